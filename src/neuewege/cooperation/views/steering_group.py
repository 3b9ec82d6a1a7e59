"""The steering group and the region's meetings: scheduling, changing, minutes whose
decisions become tasks, invitations."""

from django.contrib import messages
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from neuewege.core.errors import DomainError
from neuewege.core.views.base import submit

from .. import selectors, services
from ..forms import MeetingEditForm, MeetingForm, MinutesForm, SteeringGroupForm
from ..models import SteeringGroup
from ..permissions import MANAGE
from .base import CooperationPage, query_number


class SteeringGroupView(CooperationPage, View):
    def get(self, request, region_key):
        return self.render(
            "cooperation/steering_group.html",
            group=selectors.region_steering_group(self.region),
            meetings=selectors.meetings(self.region),
        )


class SteeringGroupUpdateView(CooperationPage, View):
    permission = MANAGE

    def form(self, data=None):
        group = SteeringGroup.objects.filter(region=self.region).first()
        initial = {"is_active": True}
        if group is not None:
            initial = {
                "coordinator": group.coordinator_id,
                "founded_on": group.founded_on,
                "is_active": group.is_active,
                "institutions": list(group.institutions.all()),
                "members": list(group.members.all()),
            }
        return SteeringGroupForm(data, region=self.region, initial=initial)

    def get(self, request, region_key):
        return self.render("cooperation/steering_group_form.html", form=self.form())

    def post(self, request, region_key):
        form = self.form(request.POST)
        saved = submit(
            request,
            form,
            lambda data: services.save_steering_group(
                access=self.access, region=self.region, data=dict(data)
            ),
            _("The steering group is saved."),
        )
        if saved:
            return self.go("steering-group")
        return self.render("cooperation/steering_group_form.html", form=form)


class MeetingCreateView(CooperationPage, View):
    """Schedule a meeting; coming from a task (``?task=``), the meeting fulfils it."""

    permission = MANAGE

    def fulfils(self):
        number = query_number(self.request.GET.get("task"))
        return selectors.task(self.region, number) if number else None

    def get(self, request, region_key):
        has_group = selectors.has_active_steering_group(self.region)
        kind = "steering_group" if has_group else "coordination"
        return self.show(MeetingForm(initial={"kind": kind}))

    def post(self, request, region_key):
        form = MeetingForm(request.POST)
        meeting = submit(
            request,
            form,
            lambda _data: services.schedule_meeting(
                access=self.access,
                region=self.region,
                data=form.meeting_data(),
                fulfils=self.fulfils(),
            ),
            _("The meeting is scheduled."),
        )
        if meeting is None:
            return self.show(form)
        return self.go("meeting-detail", meeting.pk)

    def show(self, form):
        return self.render("cooperation/meeting_form.html", form=form, task=self.fulfils())


class MeetingUpdateView(CooperationPage, View):
    permission = MANAGE

    def get(self, request, region_key, pk):
        meeting = self.found(selectors.meeting(self.region, pk))
        return self.show(MeetingEditForm(initial=MeetingForm.initial_for(meeting)), meeting)

    def post(self, request, region_key, pk):
        meeting = self.found(selectors.meeting(self.region, pk))
        form = MeetingEditForm(request.POST)
        saved = submit(
            request,
            form,
            lambda _data: services.update_meeting(
                access=self.access, meeting=meeting, data=form.meeting_data()
            ),
            _("The meeting is saved."),
        )
        return self.go("meeting-detail", meeting.pk) if saved else self.show(form, meeting)

    def show(self, form, meeting):
        return self.render("cooperation/meeting_form.html", form=form, meeting=meeting)


class MeetingDetailView(CooperationPage, View):
    def get(self, request, region_key, pk):
        meeting = self.found(selectors.meeting(self.region, pk))
        return self.render("cooperation/meeting_detail.html", meeting=meeting, now=timezone.now())


class MeetingMinutesView(CooperationPage, View):
    permission = MANAGE

    def form(self, meeting, data=None):
        initial = {"minutes": meeting.minutes, "attendees": list(meeting.attendees.all())}
        return MinutesForm(data, region=self.region, initial=initial)

    def get(self, request, region_key, pk):
        meeting = self.found(selectors.meeting(self.region, pk))
        return self.show(meeting, self.form(meeting))

    def post(self, request, region_key, pk):
        meeting = self.found(selectors.meeting(self.region, pk))
        form = self.form(meeting, request.POST)
        decided = submit(
            request,
            form,
            lambda data: services.record_minutes(
                access=self.access,
                meeting=meeting,
                minutes=data["minutes"],
                attendees=list(data["attendees"]),
                decisions=form.decisions(),
            ),
            _("The minutes are saved."),
        )
        if decided is None:
            return self.show(meeting, form)
        return self.go("meeting-detail", meeting.pk)

    def show(self, meeting, form):
        return self.render("cooperation/meeting_minutes.html", meeting=meeting, form=form)


class MeetingInviteView(CooperationPage, View):
    """Shows who gets the invitation (with the calendar file); confirming sends it."""

    permission = MANAGE

    def get(self, request, region_key, pk):
        meeting = self.found(selectors.meeting(self.region, pk))
        return self.render(
            "cooperation/meeting_invite.html",
            meeting=meeting,
            recipients=selectors.invitation_recipients(self.region),
        )

    def post(self, request, region_key, pk):
        meeting = self.found(selectors.meeting(self.region, pk))
        try:
            addresses = services.send_invitations(access=self.access, meeting=meeting)
        except DomainError as error:
            for message in error.messages():
                messages.error(request, message)
            return self.go("meeting-invite", meeting.pk)
        messages.success(
            request,
            _("The invitation went to %(count)s people.") % {"count": len(addresses)},
        )
        return self.go("meeting-detail", meeting.pk)
