"""The summary of a training's assignment for its page (trainings/_detail_assignment.html)."""

from django import template

from ..models import TrainingRegistration
from ..selectors import waiting_list
from ..services.assignment import running_run

register = template.Library()


@register.simple_tag
def assignment_summary(training) -> dict:
    confirmed = training.registrations.filter(status=TrainingRegistration.Status.CONFIRMED)
    return {
        "latest": training.assignment_runs.first(),
        "running": running_run(training) is not None,
        "placed": confirmed.filter(session__isnull=False).count(),
        "waiting": waiting_list(training).count(),
    }
