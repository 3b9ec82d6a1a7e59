"""Forms of the events app. For parents: ``booking`` (the event search and the booking form).
For staff: ``planning`` (planning and cancelling an event, with ``dates``), ``staff_booking``
(booking on a parent's behalf), ``attendance``, ``catalogue`` (the format catalogue);
``translations`` holds the fields of the translated columns they share."""
