"""What the service modules share: the event row lock that decides capacity, the planner's
permission, and the registrations of a unit (a date, or a whole course)."""

from django.utils.translation import gettext as _

from neuewege.core.access import Access
from neuewege.core.errors import NotFound, PermissionDenied

from ..models import EventSession, ParentEvent, Registration
from ..permissions import PLAN


def _locked(event_id) -> ParentEvent:
    event = (
        ParentEvent.objects.select_for_update(of=("self",))
        .select_related("format", "family_centre")
        .filter(pk=event_id)
        .first()
    )
    if event is None:
        raise NotFound(_("This event does not exist."))
    return event


def _unit_registrations(event: ParentEvent, unit: EventSession | None):
    if event.is_course:
        return event.registrations.all()
    return event.registrations.filter(session=unit)


def _confirmed_count(event, unit) -> int:
    return _unit_registrations(event, unit).filter(status=Registration.Status.CONFIRMED).count()


def _require_planner(access: Access, event: ParentEvent):
    if not access.has(PLAN, event.family_centre):
        raise PermissionDenied(_("You may not plan events of this family centre."))
