"""API routes for events in family centres: events and their dates, registrations (staff,
scoped exactly as in the application) and a public read-only feed of published events.
Handlers parse input, call a selector or a service and return; the rules live in the access
policy and in ``events.services``."""

from datetime import datetime
from typing import Annotated, Literal

from dateutil import rrule
from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from icalendar import vRecur
from ninja import Field, Path, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import AfterValidator, field_validator, model_validator

from neuewege.core.access import Access
from neuewege.core.api_types import (
    Day,
    Email,
    Id,
    Input,
    LocalTime,
    Name,
    Page,
    RegionKey,
    Text,
    api_access,
    service_caller,
    visible_region,
)
from neuewege.core.errors import PermissionDenied, ValidationFailed
from neuewege.core.models import EventFormat, PersonalDataLog, Region
from neuewege.core.services import log_personal_data

from . import selectors
from .calendars import public_event_url
from .models import (
    ConsentText,
    Format,
    ParentEvent,
    Registration,
    SpokenLanguage,
    TargetGroup,
    Topic,
)
from .permissions import SEE_CONTACTS
from .recurrence import MAX_SESSIONS
from .selectors import current_consent
from .services import lifecycle
from .services.booking import MAX_CHILD_AGE, MAX_CHILDREN, PHONE, Booking, book
from .services.planning import Plan, plan_event

# The languages of the pages for parents: a booking's language
BookingLanguage = Literal[tuple(code for code, _name in settings.LANGUAGES)]

router = Router(tags=["events"])

EventId = Annotated[int, Path(ge=1, le=2**63 - 1)]
# The services name fields as the models do; the API names foreign keys by their id.
call = service_caller(
    {"family_centre": "family_centre_id", "speakers": "speaker_ids", "session": "session_id"}
)


# Schemas


class SessionOut(Schema):
    id: int
    starts_at: datetime
    ends_at: datetime
    is_cancelled: bool
    module: str | None = Field(None, description="Module of a parent course („Ich habe Vorfahrt“…)")

    @staticmethod
    def resolve_module(session):
        return str(session.module) if session.module_id else None


class EventOut(Schema):
    id: int
    region: str = Field(..., alias="family_centre.region.key")
    family_centre_id: int
    family_centre: str = Field(..., alias="family_centre.name")
    format: EventFormat = Field(..., alias="format.code")
    shape: ParentEvent.Shape
    status: ParentEvent.Status
    title: str
    description: str
    topics: list[Topic]
    target_groups: list[TargetGroup]
    languages: list[SpokenLanguage]
    speaker_ids: list[int]
    capacity: int
    childcare_offered: bool
    recurrence: str
    cancellation_reason: str
    starts_at: datetime | None = Field(None, description="Start of the first date not cancelled")
    ends_at: datetime | None = Field(None, description="End of the last date not cancelled")

    @staticmethod
    def resolve_speaker_ids(event):
        return [person.pk for person in event.speakers.all()]

    @staticmethod
    def resolve_starts_at(event):
        return getattr(event, "first_start", None)

    @staticmethod
    def resolve_ends_at(event):
        return getattr(event, "last_end", None)


class EventDetailOut(EventOut):
    sessions: list[SessionOut]

    @staticmethod
    def resolve_sessions(event):
        return event.sessions.all()


class RegistrationOut(Schema):
    id: int
    session_id: int | None = Field(None, description="Empty for a course (booked as a whole)")
    status: Registration.Status
    source: Registration.Source
    first_name: str = Field(..., description="Empty once deleted after the retention period")
    email: str = Field(..., description="Empty: none")
    phone: str = Field(..., description="Empty: none")
    child_ages: list[int]
    language_needs: str
    language: BookingLanguage
    survey_consent: bool
    created_at: datetime
    confirmed_at: datetime | None
    cancelled_at: datetime | None
    attended_session_ids: list[int]

    @staticmethod
    def resolve_survey_consent(registration):
        return registration.survey_consent_id is not None

    @staticmethod
    def resolve_attended_session_ids(registration):
        return [session.pk for session in registration.attended_sessions.all()]


class PlaceOut(Schema):
    name: str
    street: str
    postcode: str
    town: str
    latitude: float | None
    longitude: float | None


class PublicSessionOut(Schema):
    id: int
    starts_at: datetime
    ends_at: datetime
    module: str | None = None
    ics_url: str = Field(..., json_schema_extra={"format": "uri"})

    @staticmethod
    def resolve_module(session):
        return str(session.module) if session.module_id else None

    @staticmethod
    def resolve_ics_url(session):
        return settings.BASE_URL + reverse("public-session-ics", kwargs={"pk": session.pk})


class PublicEventOut(Schema):
    id: int
    region: str = Field(..., alias="family_centre.region.key")
    family_centre: PlaceOut
    format: EventFormat = Field(..., alias="format.code")
    shape: ParentEvent.Shape
    title: str
    description: str
    topics: list[Topic]
    target_groups: list[TargetGroup]
    languages: list[SpokenLanguage]
    childcare_offered: bool
    url: str = Field(..., json_schema_extra={"format": "uri"}, description="The page to book")
    ics_url: str = Field(..., json_schema_extra={"format": "uri"})
    sessions: list[PublicSessionOut] = Field(..., description="The dates ahead, not cancelled")

    @staticmethod
    def resolve_url(event):
        return public_event_url(event)

    @staticmethod
    def resolve_ics_url(event):
        return settings.BASE_URL + reverse("public-event-ics", kwargs={"pk": event.pk})

    @staticmethod
    def resolve_sessions(event):
        return event.upcoming_sessions


class SessionIn(Input):
    starts_at: LocalTime = Field(..., description="ISO 8601; without offset: Europe/Berlin")
    ends_at: LocalTime = Field(..., description="After starts_at")

    @model_validator(mode="after")
    def ends_after_start(self):
        if self.ends_at <= self.starts_at:
            raise ValueError(_("The date must end after it starts."))
        return self


class EventIn(Input):
    family_centre_id: Id
    format: EventFormat
    shape: ParentEvent.Shape | None = Field(
        None, description="Default: course for a parent course, else single (one date) or series"
    )
    title: Name(200)
    description: Text(10000) = ""
    topics: list[Topic] = Field(default_factory=list, max_length=20)
    target_groups: list[TargetGroup] = Field(default_factory=list, max_length=20)
    languages: list[SpokenLanguage] = Field(default_factory=list, max_length=20)
    capacity: int = Field(..., ge=1, le=32767)
    childcare_offered: bool = True
    speaker_ids: list[Id] = Field(default_factory=list, max_length=20)
    sessions: list[SessionIn] = Field(
        ..., min_length=1, max_length=MAX_SESSIONS, description="A parent course has 5"
    )
    recurrence: Text(300) = Field(
        "", description="RFC 5545 RRULE of a series, e.g. FREQ=WEEKLY;INTERVAL=2"
    )
    confirm_warnings: bool = Field(
        False, description="Save although the plan breaks a recommendation of the format (409)"
    )

    @field_validator("title")
    @classmethod
    def not_blank(cls, value: str):
        if not value.strip():
            raise ValueError(_("Give the event a title."))
        return value.strip()

    @field_validator("recurrence")
    @classmethod
    def readable_rule(cls, value: str):
        value = value.strip().removeprefix("RRULE:")
        if value:
            try:
                vRecur.from_ical(value)
                rrule.rrulestr(value, dtstart=datetime(2000, 1, 1))
            except (ValueError, TypeError) as error:
                raise ValueError(_("This is not a recurrence rule of RFC 5545.")) from error
        return value


def agreed(consent: bool) -> bool:
    if not consent:
        raise ValueError(_("Please agree to the processing of your details."))
    return consent


class RegistrationIn(Input):
    """A parent's booking: a first name and a phone number or an e-mail address (or both)."""

    model_config = {
        "json_schema_extra": {
            "anyOf": [
                {"required": ["email"], "properties": {"email": {"minLength": 1}}},
                {"required": ["phone"], "properties": {"phone": {"minLength": 1}}},
            ]
        }
    }

    session_id: Id | None = Field(
        None, description="The date booked; required unless the event is a course"
    )
    first_name: Name(100)
    email: Email | Literal[""] = ""
    phone: Annotated[str, Field(max_length=40, pattern=PHONE.pattern)] | Literal[""] = Field(
        "", description="With at least 6 digits, like 0170 1234567"
    )
    child_ages: list[Annotated[int, Field(ge=0, le=MAX_CHILD_AGE)]] = Field(
        default_factory=list,
        max_length=MAX_CHILDREN,
        description="Ages of the children needing care (an event with childcare only)",
    )
    language_needs: Text(200) = ""
    language: BookingLanguage = settings.LANGUAGE_CODE
    consent: Annotated[bool, AfterValidator(agreed)] = Field(
        ...,
        json_schema_extra={"const": True},
        description="The parent agreed to the current text on processing their details",
    )
    survey_consent: bool = Field(False, description="The parent agreed to the follow-up survey")


class EventFilters(Input):
    region: RegionKey | None = None
    family_centre: Id | None = None
    status: ParentEvent.Status | None = None
    format: EventFormat | None = None
    starts_from: Day | None = Field(None, description="A date on or after this day")
    starts_until: Day | None = Field(
        None, description="A date on or before this day; not before starts_from"
    )


class RegistrationFilters(Input):
    session_id: Id | None = None
    status: Registration.Status | None = None


class PublicFilters(Input):
    region: RegionKey | None = None
    format: EventFormat | None = None


def api_event(access: Access, event_id: int) -> ParentEvent:
    return get_object_or_404(selectors.events_with_dates(access), pk=event_id)


# Events


@router.get("/events", response=list[EventOut])
@paginate(Page)
def list_events(request, filters: Query[EventFilters]):
    access = api_access(request)
    if filters.starts_from and filters.starts_until and filters.starts_until < filters.starts_from:
        raise ValidationFailed({"starts_until": _("The end of the period lies before its start.")})
    return selectors.find_events(
        access,
        region=visible_region(access, filters.region) if filters.region else None,
        family_centre_id=filters.family_centre,
        status=filters.status,
        format_code=filters.format,
        starts_from=filters.starts_from,
        starts_until=filters.starts_until,
    )


@router.get("/events/{event_id}", response=EventDetailOut)
def get_event(request, event_id: EventId):
    return api_event(api_access(request), event_id)


def default_shape(event_format: Format, session_count: int) -> str:
    if event_format.is_course:
        return ParentEvent.Shape.COURSE
    return ParentEvent.Shape.SINGLE if session_count == 1 else ParentEvent.Shape.SERIES


@router.post(
    "/events",
    response={201: EventDetailOut},
    openapi_extra={
        "responses": {409: {"description": "The plan breaks a recommendation of the format"}}
    },
)
def create_event(request, payload: EventIn):
    """Plan an event as a draft. Recommendations of the format that the plan breaks (duration,
    opening hours, childcare, qualification of speakers) answer 409 with the warnings: send
    the plan again with ``confirm_warnings`` to save it anyway."""
    access = api_access(request)
    centre = access.institutions().family_centres().filter(pk=payload.family_centre_id).first()
    if centre is None:
        raise ValidationFailed(
            {"family_centre_id": _("Unknown family centre or not in your region.")}
        )
    event_format = Format.objects.filter(code=payload.format).first()
    if event_format is None:
        raise ValidationFailed({"format": _("This format is not in the catalogue.")})
    speaker_ids = set(payload.speaker_ids)
    speakers = list(access.people().filter(pk__in=speaker_ids).select_related("institution"))
    if len(speakers) != len(speaker_ids):
        raise ValidationFailed({"speaker_ids": _("Unknown person or not in your region.")})
    plan = Plan(
        details={
            "title": payload.title,
            "description": payload.description,
            "topics": list(payload.topics),
            "target_groups": list(payload.target_groups),
            "languages": list(payload.languages),
            "capacity": payload.capacity,
            "childcare_offered": payload.childcare_offered,
        },
        sessions=[(session.starts_at, session.ends_at) for session in payload.sessions],
        speakers=speakers,
        recurrence=payload.recurrence,
    )
    event = call(
        plan_event,
        access=access,
        family_centre=centre,
        event_format=event_format,
        shape=payload.shape or default_shape(event_format, len(payload.sessions)),
        plan=plan,
        confirm_warnings=payload.confirm_warnings,
    )
    return Status(201, api_event(access, event.pk))


@router.post("/events/{event_id}/publish", response=EventDetailOut)
def publish_event(request, event_id: EventId):
    access = api_access(request)
    event = get_object_or_404(
        ParentEvent.objects.visible_to(access).select_related("family_centre"), pk=event_id
    )
    call(lifecycle.publish_event, access=access, event=event)
    return api_event(access, event.pk)


# Registrations (parents' personal data: only the family centre and the coordinator)


@router.get("/events/{event_id}/registrations", response=list[RegistrationOut])
@paginate(Page)
def list_registrations(request, event_id: EventId, filters: Query[RegistrationFilters]):
    """Every call is recorded in the log of reads of personal data."""
    access = api_access(request)
    try:
        event = selectors.event_with_contacts(access, event_id)
    except ParentEvent.DoesNotExist as error:
        raise Http404 from error
    log_personal_data(
        access=access,
        region_id=event.family_centre.region_id,
        action=PersonalDataLog.Action.VIEW,
        record=event,
        purpose=_("Registrations read through the API"),
    )
    registrations = event.registrations.prefetch_related("attended_sessions").order_by(
        "created_at", "pk"
    )
    if filters.session_id:
        registrations = registrations.filter(session_id=filters.session_id)
    if filters.status:
        registrations = registrations.filter(status=filters.status)
    return registrations


@router.post("/events/{event_id}/registrations", response={201: RegistrationOut})
def book_on_behalf(request, event_id: EventId, payload: RegistrationIn):
    """Register a parent on their behalf (by phone, at the door): confirmed while places are
    free, otherwise on the waiting list. The parent must have agreed to the current consent
    text (``consent``)."""
    access = api_access(request)
    event = get_object_or_404(
        ParentEvent.objects.visible_to(access).select_related("family_centre"), pk=event_id
    )
    if not access.has(SEE_CONTACTS, event):  # before the details are checked
        raise PermissionDenied(_("You may not register parents for this event."))
    consent = current_consent(ConsentText.Purpose.BOOKING) if payload.consent else None
    survey = current_consent(ConsentText.Purpose.SURVEY) if payload.survey_consent else None
    booking = Booking(
        first_name=payload.first_name,
        email=payload.email,
        phone=payload.phone,
        child_ages=list(payload.child_ages),
        language_needs=payload.language_needs,
        language=payload.language,
        consent_id=consent.pk if consent else None,
        survey_consent_id=survey.pk if survey else None,
    )
    registration, _token = call(
        book,
        event_id=event.pk,
        session_id=payload.session_id,
        booking=booking,
        access=access,
    )
    return Status(201, registration)


# The public feed: no sign-in, no personal data


@router.get("/public/events", response=list[PublicEventOut], auth=None, tags=["public"])
@paginate(Page)
def public_events(request, filters: Query[PublicFilters]):
    """Published events with dates ahead, soonest first: for websites and apps of regions and
    family centres. No sign-in needed."""
    region = None
    if filters.region:
        region = Region.objects.filter(key=filters.region).first()
        if region is None:
            raise ValidationFailed(
                {"region": _("Unknown region: %(key)s") % {"key": filters.region}}
            )
    return selectors.upcoming_public_events(region=region, format_code=filters.format)
