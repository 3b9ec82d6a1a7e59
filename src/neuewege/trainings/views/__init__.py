"""Staff pages of the trainings app, one module per part: the catalogue, trainings and their
sessions, registrations, the balanced assignment, attendance and certificates, the overview."""
