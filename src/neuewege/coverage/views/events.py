"""From a plan to events (issue 15, item 5): a finished plan's events by family centre and month,
adjusted by hand (pin, unpin, move, swap a speaker, the three best speakers of a request), turned
into draft events, and computed again for the rest of the year. URL names: ``plan-run-…`` take
the plan's pk, ``pin-delete`` the pin's."""

from collections import Counter, defaultdict

from django import forms
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views import View

from neuewege.core.errors import DomainError
from neuewege.core.models import Institution, OpeningPeriod, Person
from neuewege.core.views.base import AccessMixin, ConfirmActionMixin, progress_response
from neuewege.events.models import ParentEvent
from neuewege.events.permissions import PLAN as PLAN_EVENTS

from .. import plan_report, selectors
from ..models import PAIRED_FORMATS, SPEAKER_KINDS, CentreRequest, PartOfDay, Pin, PlanRun
from ..permissions import PLAN, SEE
from ..services import events as services
from ..services.plans import is_added_centre, planning_months, request_pk, start_run
from . import plans
from .demand import _record


class PlanRunMixin(plans.PlanRunMixin):
    @property
    def run(self) -> PlanRun:
        return self.record

    def events_url(self, run=None):
        return reverse("plan-run-events", kwargs={"pk": (run or self.run).pk})


def _run_label(run) -> str:
    created = date_format(timezone.localtime(run.created_at), "SHORT_DATETIME_FORMAT")
    return f"{run.scenario} · {created}"


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _slot_text(slots) -> str:
    weekdays, parts = dict(OpeningPeriod.Weekday.choices), dict(PartOfDay.choices)
    seen = []
    for day, part in slots:
        text = f"{weekdays[int(day)]} ({parts[services.SOLVER_PART[part]]})"
        if text not in seen:
            seen.append(text)
    return ", ".join(seen)


def _event_link(event) -> str:
    return reverse("event-detail", kwargs={"pk": event.pk})


class PlanRunEventsView(PlanRunMixin, View):
    permission = SEE

    def get(self, request, pk):
        waiting = progress_response(
            self,
            self.run,
            "coverage/plan_events.html",
            run=self.run,
            scenario=self.run.scenario,
            label=_("Computing the plan (at most %(seconds)s seconds)")
            % {"seconds": self.run.time_limit_seconds},
        )
        if waiting is not None:
            return waiting
        return self.render("coverage/plan_events.html", **self.context())

    def context(self):
        run, scenario = self.run, self.run.scenario
        context = {
            "run": run,
            "scenario": scenario,
            "can_plan": self.access.has(PLAN, scenario),
            "can_make_events": self.access.has(PLAN, scenario)
            and self.access.has(PLAN_EVENTS, scenario.region),
            "finished": services.is_finished(run),
        }
        if not context["finished"]:
            return context
        plan = run.result["plan"]
        names = {str(s["id"]): s["name"] for s in plan["speakers"]}
        centre_names = {c["id"]: c["name"] for c in plan["centres"]}
        requests = CentreRequest.objects.in_bulk({request_pk(r["id"]) for r in plan["requests"]})
        ahead = set(planning_months(scenario.year))
        pins = list(
            scenario.pins.select_related("centre_request__family_centre").prefetch_related(
                "speakers"
            )
        )
        pinned = {}
        for pin in pins:
            pin.month_name = MONTHS.get(pin.month, pin.month)
            pinned.setdefault((pin.centre_request_id, pin.month), pin)
        made = defaultdict(list)
        for event, month in selectors.events_of_year(scenario.region, scenario.year):
            made[(event.family_centre_id, event.format.code, month)].append(event)
        used = Counter()
        centres = defaultdict(list)
        for a in sorted(plan["assignments"], key=lambda a: (a["month"], a["format"])):
            pk_ = request_pk(a["request"])
            key = (a["centre"], a["format"], a["month"])
            events = made.get(key, [])
            event = events[used[key]] if used[key] < len(events) else None
            used[key] += 1
            centres[a["centre"]].append(
                {
                    "request": pk_,
                    "month": a["month"],
                    "month_name": MONTHS[a["month"]],
                    "format": requests[pk_].get_format_display()
                    if pk_ in requests
                    else a["format"],
                    "speakers": [names.get(str(s), str(s)) for s in a["speakers"]],
                    "when": _slot_text(a["slots"]),
                    "pin": pinned.get((pk_, a["month"])),
                    "event": event,
                    "ahead": a["month"] in ahead,
                }
            )
        groups = [
            {
                "id": centre,
                "name": centre_names.get(centre, str(centre)),
                "added": is_added_centre(centre),
                "events": rows,
                "made": sum(1 for row in rows if row["event"]),
            }
            for centre, rows in sorted(
                centres.items(), key=lambda item: centre_names.get(item[0], "")
            )
        ]
        unserved = [
            {
                "request": request_pk(r["id"]),
                "centre": centre_names.get(r["centre"], str(r["centre"])),
                "format": requests[request_pk(r["id"])].get_format_display()
                if request_pk(r["id"]) in requests
                else r["format"],
                "missing": r["demand"] - r["served"],
                "reason": plan_report.reason_text(r["reason"], plan),
            }
            for r in plan["requests"]
            if r["served"] < r["demand"]
        ]
        relaxations = [
            {
                "request": requests.get(request_pk(r["request"])),
                "month_name": MONTHS.get(r["month"], r["month"]),
                "speakers": [names.get(str(s), str(s)) for s in r["speakers"]],
                "reason": plan_report.reason_text(r["reason"], plan),
            }
            for r in plan["relaxations"]
        ]
        made_record = run.events_made or {}
        created = list(
            ParentEvent.objects.filter(pk__in=made_record.get("created", [])).select_related(
                "family_centre"
            )
        )
        return context | {
            "plan": plan,
            "groups": groups,
            "unserved": unserved,
            "pins": pins,
            "relaxations": relaxations,
            "to_make": sum(
                1
                for g in groups
                if not g["added"]
                for row in g["events"]
                if row["ahead"] and not row["event"]
            ),
            "created": created,
            "failed": [
                f | {"month_name": MONTHS.get(f["month"])} for f in made_record.get("failed", [])
            ],
            "last_made": made_record.get("last"),
            "months_ahead": [MONTHS[m] for m in sorted(ahead)],
            "open_centre": _int(self.request.GET.get("centre")),
        }


class PinForm(forms.Form):
    request = forms.IntegerField()
    month = forms.IntegerField()
    speakers = forms.ModelMultipleChoiceField(queryset=Person.objects.none())
    replaces = forms.IntegerField(required=False)

    def __init__(self, *args, region, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["speakers"].queryset = Person.objects.filter(
            institution__region=region, institution__kind__in=SPEAKER_KINDS
        ).select_related("institution")
        self.fields["speakers"].error_messages["invalid_choice"] = _(
            "Choose speakers of the region."
        )


class PlanRunPinView(PlanRunMixin, View):
    """GET: an event of the plan (or a request's month without one) with what can be done: pin
    it, move it, swap a speaker, ask for the three best speakers. POST: the pin."""

    permission = PLAN

    def get(self, request, pk):
        scenario = self.run.scenario
        centre_request = self._request(request.GET.get("request"))
        try:
            month = int(request.GET.get("month", ""))
        except ValueError:
            month = None
        context = {"run": self.run, "scenario": scenario, "centre_request": centre_request}
        if centre_request is None or not services.is_finished(self.run):
            return self.render("coverage/plan_pin.html", **context)
        ahead = planning_months(scenario.year)
        if month not in ahead:
            month = None
        planned = []
        if month is not None and services.is_finished(self.run):
            planned = [
                a
                for a in self.run.result["plan"]["assignments"]
                if request_pk(a["request"]) == centre_request.pk and a["month"] == month
            ]
        pin = scenario.pins.filter(centre_request=centre_request, month=month).first()
        current = []
        if pin is not None:
            current = list(pin.speakers.select_related("institution"))
        elif planned:
            ids = [int(s) for s in planned[0]["speakers"] if str(s).isdigit()]
            people = Person.objects.select_related("institution").in_bulk(ids)
            current = [people[i] for i in ids if i in people]
        qualified = [
            person
            for person in Person.objects.filter(
                pk__in=services.planned_people(scenario)
            ).select_related("institution")
            if centre_request.format in (person.moderated_formats or [])
        ]
        kinds = PAIRED_FORMATS.get(centre_request.format)
        if kinds:
            labels = dict(Institution.Kind.choices)
            choices = [
                {
                    "kind": kind,
                    "label": labels.get(kind, kind),
                    "people": [p for p in qualified if p.institution.kind == kind],
                    "current": next((p.pk for p in current if p.institution.kind == kind), None),
                }
                for kind in kinds
            ]
        else:
            choices = [
                {
                    "kind": "",
                    "label": _("Speaker"),
                    "people": qualified,
                    "current": current[0].pk if current else None,
                }
            ]
        suggestions = None
        if month is not None and request.GET.get("suggest"):
            suggestions = services.suggest_speakers(
                scenario=scenario, centre_request=centre_request, month=month
            )
        return self.render(
            "coverage/plan_pin.html",
            **context,
            month=month,
            month_name=MONTHS.get(month),
            months=[(m, MONTHS[m]) for m in ahead],
            planned=planned[0] if planned else None,
            pin=pin,
            current=current,
            choices=choices,
            suggestions=suggestions,
        )

    def _request(self, value):
        try:
            pk_ = int(value)
        except (TypeError, ValueError):
            return None
        return (
            CentreRequest.objects.filter(
                pk=pk_,
                family_centre__region=self.run.scenario.region,
                year=self.run.scenario.year,
            )
            .select_related("family_centre")
            .first()
        )

    def post(self, request, pk):
        scenario = self.run.scenario
        form = PinForm(request.POST, region=scenario.region)
        back = reverse("plan-run-pin", kwargs={"pk": pk})
        if not form.is_valid():
            messages.error(
                request, " ".join(str(e) for errors in form.errors.values() for e in errors)
            )
            return redirect(
                back + "?" + urlencode({k: request.POST.get(k, "") for k in ("request", "month")})
            )
        data = form.cleaned_data
        back += f"?request={data['request']}&month={data['month']}"
        centre_request = self._request(data["request"])
        replaces = (
            scenario.pins.filter(pk=data["replaces"]).first() if data.get("replaces") else None
        )
        if centre_request is None:
            messages.error(request, _("This request is not of the scenario's region and year."))
            return redirect(back)
        try:
            services.pin_event(
                access=self.access,
                scenario=scenario,
                centre_request=centre_request,
                month=data["month"],
                speakers=data["speakers"],
                replaces=replaces,
            )
        except DomainError as error:
            messages.error(request, " ".join(error.messages()))
            return redirect(back)
        messages.success(
            request,
            _("Pinned: %(request)s in %(month)s. The next plan of the scenario keeps it.")
            % {"request": centre_request, "month": MONTHS[data["month"]]},
        )
        centre = centre_request.family_centre_id
        return redirect(self.events_url() + f"?centre={centre}#centre-{centre}")


class PinDeleteView(ConfirmActionMixin, AccessMixin, View):
    permission = PLAN
    title = _("Unpin the event")
    button = _("Unpin")

    def get_record(self):
        pins = Pin.objects.select_related("scenario__region", "centre_request__family_centre")
        if not self.access.sees_all_regions:
            pins = pins.filter(scenario__region_id__in=self.access.region_ids)
        return _record(pins, self.kwargs["pk"])

    def texts(self):
        return {
            "title": self.title,
            "button": self.button,
            "question": _(
                "The next plan of the scenario no longer has to keep %(request)s in %(month)s."
            )
            % {"request": self.record.centre_request, "month": MONTHS.get(self.record.month)},
        }

    def preline(self):
        return str(self.record.scenario)

    def detail(self):
        run = self.record.scenario.runs.first()
        if run is None:
            return redirect("coverage-demand", region_key=self.region.key)
        return redirect("plan-run-events", pk=run.pk)

    def act(self, form):
        self.success = _("The event is no longer pinned.")
        services.unpin(access=self.access, pin=self.record)


class PlanRunMakeEventsView(ConfirmActionMixin, PlanRunMixin, View):
    permission = PLAN
    title = _("Make draft events")
    button = _("Make draft events")

    def texts(self):
        count = len(services.planned_events(self.run)) if services.is_finished(self.run) else 0
        return {
            "title": self.title,
            "button": self.button,
            "question": _(
                "A draft event is made for each of the %(count)d events the plan has in the months "
                "ahead, unless it exists already: dates on the planned weekday within the "
                "family centre's opening hours, the planned speakers, places as the format "
                "suggests. The drafts are published in the events list once checked."
            )
            % {"count": count},
        }

    def preline(self):
        return _run_label(self.run)

    def detail(self):
        return redirect(self.events_url())

    def act(self, form):
        outcome = services.make_events(access=self.access, run=self.run)
        self.success = _("%(created)d draft events made; %(failed)d could not be made.") % {
            "created": len(outcome.created),
            "failed": len(outcome.failed),
        }


class PlanRunReplanView(ConfirmActionMixin, PlanRunMixin, View):
    permission = PLAN
    title = _("Compute the rest of the year again")
    button = _("Compute again")
    question = _(
        "The scenario is planned again for the months still ahead: events already made and the "
        "pinned events are kept, months past are not planned."
    )
    new_run = None

    def preline(self):
        return str(self.run.scenario)

    def detail(self):
        return redirect(self.events_url(self.new_run))

    def act(self, form):
        self.success = _("The plan is being computed again.")
        self.new_run = start_run(
            access=self.access,
            scenario=self.run.scenario,
            time_limit_seconds=self.run.time_limit_seconds,
        )
