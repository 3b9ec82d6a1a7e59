"""System checks of the evaluation's settings (``neuewege check``, and at every start)."""

from django.conf import settings
from django.core.checks import Error, register


@register()
def retention_outlasts_the_survey(app_configs=None, **kwargs):
    """Parents' contacts must be kept until the follow-up survey and its reminder are sent:
    a shorter retention would delete them first, and nobody would be asked."""
    needed = settings.SURVEY_WEEKS * 7 + settings.SURVEY_REMINDER_DAYS
    if needed < settings.REGISTRATION_RETENTION_DAYS:
        return []
    return [
        Error(
            f"NEUEWEGE_RETENTION_DAYS is {settings.REGISTRATION_RETENTION_DAYS}: parents' "
            f"contacts would be deleted before the follow-up survey (after "
            f"NEUEWEGE_SURVEY_WEEKS={settings.SURVEY_WEEKS} weeks) and its reminder "
            f"(NEUEWEGE_SURVEY_REMINDER_DAYS={settings.SURVEY_REMINDER_DAYS} days later) are "
            f"sent.",
            hint=f"Keep them at least {needed + 1} days, or ask sooner.",
            id="neuewege.E001",
        )
    ]
