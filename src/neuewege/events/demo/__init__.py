"""Deterministic events, sessions and registrations for the demo regions and the state-scale
dataset (``neuewege demo --scale demo|state``).

Seed data, written straight into the tables (COPY on PostgreSQL, ``executemany`` elsewhere)
rather than through the services, so that ten years of a state's events load in seconds. The
rules the services keep hold here as well:

- confirmed registrations never exceed the places of a unit (a date, or a whole course), and
  nobody waits while a place is free: bookings, cancellations and move-ups are replayed in
  the order they happened;
- no speaker (and no family centre) has two sessions at the same time; speakers are people of
  the region's job centre or employment agency and are marked as qualified for what they
  moderate;
- sessions lie on weekdays between 9:00 and 16:00 (Fridays until 14:00, when the centres
  close); events that were held lie in the past, published ones in the future;
- every registration carries the consent (version 1, booking) with its time; parents' details
  of events that ended longer ago than the retention period are deleted, as the due job
  would have done.

The same seed on the same day gives the same records. A second run adds nothing.

The modules:

- ``generate``: the entry point, registered in apps.py with core's demo-data registry;
- ``demo_scale`` and ``state_scale``: which events each scale holds, region by region;
- ``events``: the generator, an event with its sessions, speakers and attendance;
- ``speakers``: who moderates when, and the dates a centre and its speakers are free;
- ``registrations``: the parents and their bookings, cancellations and waiting list;
- ``formats``: what the events of each format say, and at which times they take place;
- ``tables``: rows written in batches (COPY on PostgreSQL).
"""
