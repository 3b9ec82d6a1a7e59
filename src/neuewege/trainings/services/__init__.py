"""Every write to trainings, their sessions and registrations. Keyword-only arguments, one
durable transaction, domain errors on broken rules. Import from the module that holds the
function."""
