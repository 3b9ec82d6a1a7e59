"""The events app's part of the table of permissions (``core.access``)."""

from django.utils.translation import gettext_lazy as _

from neuewege.core.access import OWN_INSTITUTION, REGIONS, declare, place_of
from neuewege.core.models import Institution

IN_FAMILY_CENTRES = {"kind": Institution.Kind.FAMILY_CENTRE}


def _speaks_at(access, record) -> bool:
    """The speakers of an event, in the event's region, record its attendance (first names)."""
    event = getattr(record, "event", record)
    if not hasattr(event, "speakers"):  # asked of a region (a start panel): no event, no speaker
        return False
    return (
        access.own_person_id is not None
        and event.family_centre.region_id in access.region_ids
        and any(person.pk == access.own_person_id for person in event.speakers.all())
    )


PLAN = declare(
    "events.plan",
    _("Plan, publish and cancel the events of a family centre"),
    applies=IN_FAMILY_CENTRES,
    coordinator=REGIONS,
    staff=OWN_INSTITUTION,
)
SEE_CONTACTS = declare(
    "events.see_contacts",
    _("See and change the parents registered for an event, with their contact"),
    applies=IN_FAMILY_CENTRES,
    coordinator=REGIONS,
    staff=OWN_INSTITUTION,
)
RECORD_ATTENDANCE = declare(
    "events.record_attendance",
    _("Record who attended (first names); also the event's speakers"),
    applies=IN_FAMILY_CENTRES,
    also=_speaks_at,
    coordinator=REGIONS,
    staff=OWN_INSTITUTION,
)


def _speaker_in_region(access, record) -> bool:
    """People of an institution whose staff speak at events (employment agency, job centre,
    education provider, equality office), in their institution's region."""
    from .services.planning import SPEAKER_KINDS

    own = access.own_institution
    return (
        own is not None
        and own.kind in SPEAKER_KINDS
        and own.region_id in access.region_ids
        and place_of(record).region_id == own.region_id
    )


SPEAK = declare(
    "events.speak",
    _("Speak at events: one's own dates, their calendar and attendance (labour-market staff)"),
    also=_speaker_in_region,
)
