"""Calendar files for parents (.ics of an event or a date), subscribable feeds behind a secret
token, and the staff page where an account creates and revokes its feeds."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from neuewege.core import exporters
from neuewege.core.access import SIGNED_IN, access_for
from neuewege.core.errors import DomainError
from neuewege.core.middleware import parent_page
from neuewege.core.views.base import add_domain_errors

from . import calendars

MAX_ID = 2**63 - 1


# The calendar files: aliases of the exporters in ``events/exporters.py``, at the addresses
# parents and subscribers already use.


event_ics = parent_page(exporters.alias("event-calendar", "ics"))
session_ics = parent_page(exporters.alias("session-calendar", "ics"))
feed_ics = exporters.alias("calendar-feed", "ics")  # the token in the address is the key


OWN_DATES = "own"


class FeedForm(forms.Form):
    calendar = forms.ChoiceField(
        label=gettext_lazy("Calendar"),
        help_text=gettext_lazy(
            "Subscribe to the feed in your calendar program (Outlook, Thunderbird, a phone)."
        ),
    )

    def __init__(self, *args, person, centres, **kwargs):
        super().__init__(*args, **kwargs)
        choices = []
        if person is not None:
            choices.append((OWN_DATES, _("My own speaking dates")))
        choices += [
            (str(centre.pk), _("Events of %(centre)s") % {"centre": centre.name})
            for centre in centres
        ]
        self.fields["calendar"].choices = choices
        self.centres = {str(centre.pk): centre for centre in centres}
        self.person = person


class CalendarFeedsView(LoginRequiredMixin, View):
    """The account's calendar feeds: create one (its URL is shown once), revoke one."""

    permission = SIGNED_IN

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.access = access_for(request.user)
            person = request.user.person if self.access.own_person_id else None
            self.form_kwargs = {
                "person": person,
                "centres": calendars.plannable_centres(self.access),
            }
        return super().dispatch(request, *args, **kwargs)

    def page(self, form=None, feed_url=None):
        form = form or FeedForm(**self.form_kwargs)
        return render(
            self.request,
            "events/calendar_feeds.html",
            {
                "form": form,
                "can_create": bool(form.fields["calendar"].choices),
                "feed_url": feed_url,
                "feeds": calendars.feeds_of(self.access),
            },
        )

    def get(self, request):
        return self.page()

    def post(self, request):
        if "revoke" in request.POST:
            return self.revoke(request.POST["revoke"])
        form = FeedForm(request.POST, **self.form_kwargs)
        if not form.is_valid():
            return self.page(form=form)
        choice = form.cleaned_data["calendar"]
        try:
            _feed, secret = calendars.create_feed(
                access=self.access,
                person=form.person if choice == OWN_DATES else None,
                institution=form.centres.get(choice),
            )
        except DomainError as error:
            add_domain_errors(form, error)
            return self.page(form=form)
        url = settings.BASE_URL + reverse("calendar-feed", kwargs={"token": secret})
        return self.page(feed_url=url)

    def revoke(self, value):
        try:
            feed_id = int(value)
            if not 1 <= feed_id <= MAX_ID:
                raise ValueError(value)
            calendars.revoke_feed(access=self.access, feed_id=feed_id)
        except (DomainError, ValueError):
            messages.error(
                self.request, _("This calendar feed does not exist or is already revoked.")
            )
        else:
            messages.success(self.request, _("The calendar feed was revoked."))
        return redirect("calendar-feeds")
