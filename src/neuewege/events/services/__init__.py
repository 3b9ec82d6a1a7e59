"""Every write to events, sessions and registrations. Keyword-only arguments, one durable
transaction, domain errors on broken rules. Import from the module that holds the function:

- ``planning``: plan and change an event (the checks of plan, shape, opening hours, speakers);
- ``lifecycle``: publish, cancel (an event or one date), mark as held, close; attendance;
- ``booking``: book, cancel a booking, staff removing a registration, the waiting list;
- ``notifications``: the parents' messages, reminders, messages passed on by phone;
- ``_common``: the event row lock and the counting the others share.
"""
