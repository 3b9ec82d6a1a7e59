"""Staff pages of the survey invitations (signed in, region-scoped through the AccessMixin): the
texts a family centre sends by SMS to parents without an e-mail address. Parents' contacts:
only the family centre and the region's coordinator (``events.see_contacts``); every
opening of the list is logged."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views import View

from neuewege.core.errors import DomainError
from neuewege.core.models import PersonalDataLog
from neuewege.core.services import log_personal_data
from neuewege.core.views.base import AccessMixin
from neuewege.events.permissions import SEE_CONTACTS

from . import invitations
from .models import SurveyInvitation


class SurveyTextsView(AccessMixin, View):
    """The invitations of the family centre's parents without e-mail, as texts to send by SMS
    (first name, phone number, the text with the link in the parent's language)."""

    def get_record(self):
        centre = (
            self.access.institutions()
            .family_centres()
            .filter(pk=self.kwargs["pk"])
            .select_related("region")
            .first()
        )
        if centre is None:
            raise Http404
        return centre

    permission = SEE_CONTACTS

    def get(self, request, pk):
        centre = self.record
        texts = invitations.texts_to_send(self.access, centre)
        log_personal_data(
            access=self.access,
            region_id=centre.region_id,
            action=PersonalDataLog.Action.VIEW,
            record=centre,
            purpose=_("Survey texts to send by phone viewed"),
        )
        return self.render("evaluation/phone/texts.html", centre=centre, texts=texts)


class SurveyTextSentView(AccessMixin, View):
    """GET asks "sent?", POST marks the text as sent: it leaves the list."""

    def get_record(self):
        invitation = (
            SurveyInvitation.objects.filter(
                pk=self.kwargs["pk"],
                registration__isnull=False,
                region_id__in=self.access.regions().values("pk"),
            )
            .select_related("registration", "event__family_centre", "family_centre", "region")
            .first()
        )
        if invitation is None:
            raise Http404
        return invitation

    permission = SEE_CONTACTS

    def permission_object(self):
        return self.record.event  # None: of no event, nobody's

    def back(self):
        return redirect("survey-texts", pk=self.record.family_centre_id)

    def get(self, request, pk):
        log_personal_data(
            access=self.access,
            region_id=self.record.region_id,
            action=PersonalDataLog.Action.VIEW,
            record=self.record.registration,
            purpose=_("Survey text to send by phone opened"),
        )
        return self.render(
            "evaluation/phone/confirm_sent.html",
            invitation=self.record,
            centre=self.record.family_centre,
        )

    def post(self, request, pk):
        try:
            invitations.mark_text_sent(access=self.access, invitation=self.record)
        except DomainError as error:
            messages.error(request, " ".join(error.messages()))
        else:
            messages.success(request, _("Marked as sent."))
        return self.back()
