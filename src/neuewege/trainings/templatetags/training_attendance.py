"""The training page's section on attendance and certificates
(``{% training_attendance training can_plan %}`` in ``trainings/_detail_attendance.html``)."""

from django import template

from neuewege.core.access import access_for

from .. import selectors
from ..permissions import RECORD_ATTENDANCE

register = template.Library()


@register.inclusion_tag("trainings/_attendance_section.html", takes_context=True)
def training_attendance(context, training, can_plan=False):
    request = context.get("request")
    access = getattr(request, "access", None)
    if access is None and request is not None:
        access = access_for(request.user)
    sessions = selectors.attendance_rows(training)
    for session in sessions:
        session.can_record = access is not None and access.has(RECORD_ATTENDANCE, session)
    return {
        "training": training,
        "sessions": sessions,
        "can_plan": can_plan,
        "attended_total": sum(session.attended_count for session in sessions),
    }
