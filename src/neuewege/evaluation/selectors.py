"""Reads of the evaluation. The answer page is public (the token is the only key)."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from neuewege.core.errors import DomainError

from .models import Question, Questionnaire, SpentToken, SurveyInvitation


class InvalidSurveyLink(DomainError):
    """A survey link that cannot be answered. ``reason``: ``unknown``, ``expired`` or ``used``,
    for the page to say the fitting thing; the token holder learns nothing about anyone else."""

    status_code = 404
    MESSAGES = {
        "unknown": _(
            "This link is not valid. Please check that you opened the whole link from your "
            "invitation."
        ),
        "expired": _("This survey has ended. Thank you for your interest."),
        "used": _("You have already answered this survey. Thank you!"),
    }

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(self.MESSAGES[reason])


def invitation_for_token(token: str, *, today=None, lock: bool = False) -> SurveyInvitation:
    """The invitation a link can still be answered with, or ``InvalidSurveyLink``. The one
    place for this rule; ``lock`` takes the row lock a submission needs."""
    today = today or timezone.localdate()
    invitations = SurveyInvitation.objects.select_related("questionnaire")
    if lock:
        invitations = invitations.select_for_update(of=("self",))
    invitation = invitations.filter(digest=SurveyInvitation.digest_of(token or "")).first()
    if invitation is None:
        raise InvalidSurveyLink("unknown")
    if SpentToken.objects.filter(digest=SpentToken.digest_of(token)).exists():
        raise InvalidSurveyLink("used")
    if invitation.expires_on < today:
        raise InvalidSurveyLink("expired")
    return invitation


def questions_of(questionnaire: Questionnaire):
    """The questions in order, with their choices and conditions, in two queries."""
    return list(
        Question.objects.filter(questionnaire=questionnaire)
        .select_related("condition_question")
        .prefetch_related("choices")
        .order_by("position")
    )


def questionnaire_for_token(token: str, *, today=None):
    """For the answer page: ``(invitation, questionnaire)`` with the questions prefetched in
    ``questionnaire.question_list``; raises ``InvalidSurveyLink`` for unknown, expired or
    used links."""
    invitation = invitation_for_token(token, today=today)
    questionnaire = invitation.questionnaire
    questionnaire.question_list = questions_of(questionnaire)
    return invitation, questionnaire
