"""Every write of the trainings app, one module per part (attendance, …)."""
