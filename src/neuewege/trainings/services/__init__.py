"""Every write to trainings, their sessions and registrations. Keyword-only arguments, one
durable transaction, domain errors on broken rules. Import from the module that holds the
function:

- ``trainings``: plan and change a training, its sessions, the status flow (``TRANSITIONS``);
- ``registrations``: the professionals' registration (public link, confirmation, cancelling),
  staff registering people in bulk, removing registrations, the waiting list
  (``fill_from_waiting_list``);
- ``assignment``: the balanced assignment (a background run of the solver), pins, publishing;
- ``attendance``: attendance, the speaker qualification it records, certificates sent.
"""
