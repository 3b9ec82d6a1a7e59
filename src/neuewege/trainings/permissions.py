"""The trainings app's part of the table of permissions (``core.access``)."""

from django.utils.translation import gettext_lazy as _

from neuewege.core.access import PROGRAMME, REGIONS, declare


def _trains(access, record) -> bool:
    """The trainers of a session record its attendance."""
    session = getattr(record, "session", None) or record
    trainers = getattr(session, "trainers", None)
    return (
        access.own_person_id is not None
        and trainers is not None
        and any(person.pk == access.own_person_id for person in trainers.all())
    )


SEE = declare(
    "trainings.see",
    _("See the trainings of the region and their sessions"),
    state=REGIONS | PROGRAMME,
    coordinator=REGIONS,
    staff=REGIONS,
    viewer=REGIONS,
)
PLAN = declare(
    "trainings.plan",
    _("Plan trainings, register professionals, assign groups, issue certificates"),
    state=REGIONS | PROGRAMME,
    coordinator=REGIONS,
)
RECORD_ATTENDANCE = declare(
    "trainings.record_attendance",
    _("Record who attended a training session; also the session's trainers"),
    also=_trains,
    state=REGIONS | PROGRAMME,
    coordinator=REGIONS,
)
