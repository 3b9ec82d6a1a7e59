"""Events in family centres: the format catalogue, events with their sessions, and the
registrations of parents (personal data: minimal, consented, deleted after the retention period).

A registration books one *unit*: one session of a single event or a series, or a whole course
(``session`` is empty then). Capacity, waitlist and the one-booking-per-contact rule hold per unit.
"""

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from neuewege.core.models import EventFormat, Institution, Person
from neuewege.core.tokens import SignedId


class Topic(models.TextChoices):
    LABOUR_MARKET = "labour_market", _("Labour market")
    CAREER_ORIENTATION = "career_orientation", _("Career orientation")
    RETURN_TO_WORK = "return_to_work", _("Return to work")
    APPLICATIONS = "applications", _("Applying for jobs")
    PART_TIME_TRAINING = "part_time_training", _("Vocational training part-time")
    CHILDCARE = "childcare", _("Childcare and work")
    BENEFITS = "benefits", _("Benefits and support")


class TargetGroup(models.TextChoices):
    SGB_II = "sgb_ii", _("Parents receiving Bürgergeld (SGB II)")
    SGB_III = "sgb_iii", _("Parents registered with the employment agency (SGB III)")
    SINGLE_PARENTS = "single_parents", _("Single parents")
    YOUNG_MOTHERS = "young_mothers", _("Young mothers without vocational training")
    HIDDEN_RESERVE = "hidden_reserve", _("Parents not registered anywhere (stille Reserve)")
    ALL_PARENTS = "all_parents", _("All parents")


class SpokenLanguage(models.TextChoices):
    GERMAN = "de", _("German")
    ENGLISH = "en", _("English")
    TURKISH = "tr", _("Turkish")
    ARABIC = "ar", _("Arabic")
    UKRAINIAN = "uk", _("Ukrainian")
    RUSSIAN = "ru", _("Russian")
    POLISH = "pl", _("Polish")
    PERSIAN = "fa", _("Persian")
    KURDISH = "ku", _("Kurdish")
    ROMANIAN = "ro", _("Romanian")
    BULGARIAN = "bg", _("Bulgarian")
    ALBANIAN = "sq", _("Albanian")


def choice_labels(choices, codes):
    labels = dict(choices.choices)
    return [labels.get(code, code) for code in codes]


class Format(models.Model):
    """One of the three prototypes, with the rules events of this format follow. Edited by the
    state level; seeded with the programme's values."""

    code = models.CharField(_("code"), max_length=20, unique=True, choices=EventFormat.choices)
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description for parents"))
    min_minutes = models.PositiveSmallIntegerField(_("shortest duration (minutes)"))
    max_minutes = models.PositiveSmallIntegerField(_("longest duration (minutes)"))
    default_minutes = models.PositiveSmallIntegerField(_("usual duration (minutes)"))
    default_capacity = models.PositiveSmallIntegerField(_("usual number of places"))
    max_capacity = models.PositiveSmallIntegerField(_("largest number of places"))
    childcare_expected = models.BooleanField(_("childcare expected"), default=True)
    topics = models.JSONField(_("topics"), default=list, blank=True)
    target_groups = models.JSONField(_("target groups"), default=list, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("format")
        verbose_name_plural = _("formats")
        constraints = [
            models.CheckConstraint(
                condition=Q(min_minutes__lte=F("default_minutes"))
                & Q(default_minutes__lte=F("max_minutes")),
                name="format_default_duration_within_range",
            ),
            models.CheckConstraint(
                condition=Q(default_capacity__lte=F("max_capacity")),
                name="format_default_capacity_within_maximum",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_course(self):
        return self.code == EventFormat.PARENT_COURSE


class FormatModule(models.Model):
    """A module of the parent course, with its motto („Ich habe Vorfahrt“ …)."""

    format = models.ForeignKey(Format, on_delete=models.CASCADE, related_name="modules")
    number = models.PositiveSmallIntegerField(_("number"))
    motto = models.CharField(_("motto"), max_length=100)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["format", "number"]
        verbose_name = _("module")
        verbose_name_plural = _("modules")
        constraints = [
            models.UniqueConstraint(fields=["format", "number"], name="one_module_per_number")
        ]

    def __str__(self):
        return f"{self.number}. {self.motto}"


class ParentEventQuerySet(models.QuerySet):
    def visible_to(self, access):
        """The events ``access`` may see: those of its regions (every one for the state level).
        The staff pages' and the API's reads of events start from here."""
        if access.sees_all_regions:
            return self.all()
        return self.filter(family_centre__region_id__in=access.region_ids)


class ParentEvent(models.Model):
    """An event for parents in a family centre: a single date, a series of dates each booked on
    its own, or a course whose sessions are booked as one."""

    class Shape(models.TextChoices):
        SINGLE = "single", _("Single event")
        SERIES = "series", _("Series of dates")
        COURSE = "course", _("Course (booked as a whole)")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        HELD = "held", _("Held")
        CLOSED = "closed", _("Closed")
        CANCELLED = "cancelled", _("Cancelled")

    # Live: published, held or closed; what the figures count (EventSession.objects.
    # of_live_events()). Not a draft (not yet public) and not a cancelled event.
    LIVE_STATUSES = (Status.PUBLISHED, Status.HELD, Status.CLOSED)

    family_centre = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        related_name="parent_events",
        limit_choices_to={"kind": Institution.Kind.FAMILY_CENTRE},
        verbose_name=_("family centre"),
    )
    format = models.ForeignKey(
        Format, on_delete=models.PROTECT, related_name="events", verbose_name=_("format")
    )
    shape = models.CharField(_("shape"), max_length=8, choices=Shape.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("what to expect"), blank=True)
    topics = models.JSONField(_("topics"), default=list, blank=True)
    target_groups = models.JSONField(_("target groups"), default=list, blank=True)
    languages = models.JSONField(_("languages spoken"), default=list, blank=True)
    speakers = models.ManyToManyField(
        Person, blank=True, related_name="speaking_events", verbose_name=_("speakers")
    )
    capacity = models.PositiveSmallIntegerField(_("places"))
    childcare_offered = models.BooleanField(_("childcare offered"), default=True)
    recurrence = models.CharField(
        _("recurrence rule"), max_length=300, blank=True, help_text="RFC 5545 RRULE of a series"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    cancellation_reason = models.CharField(_("reason for cancelling"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ParentEventQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        indexes = [models.Index(fields=["family_centre", "status"])]

    def __str__(self):
        return self.title

    def access_place(self):
        return self.family_centre

    @property
    def region_id(self):
        return self.family_centre.region_id

    @property
    def region(self):
        return self.family_centre.region

    @property
    def is_course(self):
        return self.shape == self.Shape.COURSE

    @property
    def is_bookable(self):
        return self.status == self.Status.PUBLISHED

    def topic_labels(self):
        return choice_labels(Topic, self.topics)

    def target_group_labels(self):
        return choice_labels(TargetGroup, self.target_groups)

    def language_labels(self):
        return choice_labels(SpokenLanguage, self.languages)

    def get_additional_data(self):
        return {"region": self.family_centre.region_id}


# A date lies within one calendar day: the forms and the API take its day and two times (at
# most 25 hours on the day the clocks go back). A date that has not ended yet began less than
# this ago — the lower bound that lets the index on ``starts_at`` answer "dates not over yet"
# without reading every date of the past.
LONGEST_DATE = timedelta(days=2)


class EventSessionQuerySet(models.QuerySet):
    def of_live_events(self):
        """The sessions of live events (``ParentEvent.LIVE_STATUSES``), cancelled ones too."""
        return self.filter(event__status__in=ParentEvent.LIVE_STATUSES)

    def not_over(self, now):
        """The dates that have not ended at ``now`` (running or ahead)."""
        return self.filter(ends_at__gt=now, starts_at__gt=now - LONGEST_DATE)


class EventSession(models.Model):
    """One date of an event. Times are stored in UTC and shown in Europe/Berlin."""

    event = models.ForeignKey(ParentEvent, on_delete=models.CASCADE, related_name="sessions")
    module = models.ForeignKey(
        FormatModule,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("module"),
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    is_cancelled = models.BooleanField(_("cancelled"), default=False)
    attendance_recorded_at = models.DateTimeField(null=True, blank=True)
    counselling_appointments = models.PositiveSmallIntegerField(
        _("individual counselling appointments agreed"), null=True, blank=True
    )

    objects = EventSessionQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        indexes = [models.Index(fields=["starts_at", "event"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="session_ends_after_it_starts"
            )
        ]

    def __str__(self):
        return f"{self.event} {self.starts_at:%Y-%m-%d %H:%M}"

    def access_place(self):
        return self.event.family_centre

    @property
    def minutes(self):
        return int((self.ends_at - self.starts_at).total_seconds() // 60)

    def get_additional_data(self):
        return {"region": self.event.family_centre.region_id}


class ConsentText(models.Model):
    """The text a parent agrees to, versioned: a registration keeps the version and the time."""

    class Purpose(models.TextChoices):
        BOOKING = "booking", _("Processing of the booking")
        SURVEY = "survey", _("Follow-up survey")

    purpose = models.CharField(_("purpose"), max_length=10, choices=Purpose.choices)
    version = models.PositiveSmallIntegerField(_("version"))
    text = models.TextField(_("text"))
    valid_from = models.DateTimeField(_("valid from"))

    class Meta:
        ordering = ["purpose", "-version"]
        verbose_name = _("consent text")
        verbose_name_plural = _("consent texts")
        constraints = [
            models.UniqueConstraint(fields=["purpose", "version"], name="one_consent_per_version")
        ]

    def __str__(self):
        return f"{self.get_purpose_display()} v{self.version}"


# A parent's personal link to their booking: the registration's number, signed.
CANCEL_TOKENS = SignedId(salt="neuewege.events.cancel")

# A booking code a parent can read out on the phone: no 0/O, 1/I/L that are easily mixed up.
BOOKING_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
BOOKING_CODE_LENGTH = 6


def new_booking_code() -> str:
    """A random booking code (unique by the field's constraint; ``book`` draws again on the
    rare collision)."""
    return "".join(secrets.choice(BOOKING_CODE_ALPHABET) for _digit in range(BOOKING_CODE_LENGTH))


def new_booking_codes(count: int) -> list[str]:
    """``count`` random booking codes at once, as random as ``new_booking_code``'s but from one
    read of the system's randomness instead of one per character (the demo data's millions of
    registrations: events/demo/tables.py). Bytes beyond the last whole multiple of the
    alphabet's size are dropped, so that every character is equally likely."""
    length = BOOKING_CODE_LENGTH
    text = ""
    while len(text) < count * length:
        random_bytes = secrets.token_bytes(count * length + 64)
        text += random_bytes.translate(_CODE_CHARACTERS, _CODE_DROPPED).decode("ascii")
    return [text[i : i + length] for i in range(0, count * length, length)]


_SIZE = len(BOOKING_CODE_ALPHABET)
_CODE_CHARACTERS = bytes(ord(BOOKING_CODE_ALPHABET[b % _SIZE]) for b in range(256))
_CODE_DROPPED = bytes(range(256 - 256 % _SIZE, 256))
new_booking_code.batch = new_booking_codes  # drawn in batches where many rows are written


def free_places(capacity: int, confirmed: int, waitlisted: int) -> int:
    """Places a new booking can take: none while anyone waits (the waiting list comes first),
    else what the confirmed leave of the capacity."""
    return 0 if waitlisted else max(0, capacity - confirmed)


def booking_code(text: str) -> str | None:
    """The booking code in what a person typed (any case, spaces or dashes between), or None
    when it cannot be one."""
    code = "".join(char for char in (text or "")[:40] if char not in " -\t").upper()
    if len(code) == BOOKING_CODE_LENGTH and all(char in BOOKING_CODE_ALPHABET for char in code):
        return code
    return None


class Registration(models.Model):
    """A parent's booking of one unit (a session, or a whole course). Personal data: first name
    and one way of contact only; deleted after the retention period, counts stay."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        WAITLISTED = "waitlisted", _("On the waiting list")
        CANCELLED = "cancelled", _("Cancelled")

    class Source(models.TextChoices):
        ONLINE = "online", _("Online by the parent")
        STAFF = "staff", _("By staff (phone or at the door)")

    event = models.ForeignKey(ParentEvent, on_delete=models.CASCADE, related_name="registrations")
    session = models.ForeignKey(
        EventSession,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="registrations",
        verbose_name=_("date"),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    source = models.CharField(_("booked"), max_length=6, choices=Source.choices)
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    child_ages = models.JSONField(_("ages of the children needing care"), default=list, blank=True)
    language_needs = models.CharField(_("language needs"), max_length=200, blank=True)
    language = models.CharField(
        _("language of the booking"), max_length=7, choices=settings.LANGUAGES
    )
    consent = models.ForeignKey(
        ConsentText, on_delete=models.PROTECT, related_name="+", verbose_name=_("consent")
    )
    consented_at = models.DateTimeField(_("consent given"))
    survey_consent = models.ForeignKey(
        ConsentText, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    survey_consented_at = models.DateTimeField(null=True, blank=True)
    attended_sessions = models.ManyToManyField(
        EventSession, blank=True, related_name="attendees", verbose_name=_("attended")
    )
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("booked at"), auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    anonymised_at = models.DateTimeField(null=True, blank=True)
    # A random key of the browser's booking in progress: a second "confirm" of the same booking
    # (a double click, a reload) finds this registration instead of booking again.
    submission_key = models.CharField(max_length=32, blank=True, default="", editable=False)
    code = models.CharField(
        _("booking code"),
        max_length=BOOKING_CODE_LENGTH,
        unique=True,
        default=new_booking_code,
        editable=False,
    )

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        indexes = [
            models.Index(fields=["event", "session", "status", "created_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "submission_key"],
                condition=~models.Q(submission_key=""),
                name="registration_unique_submission",
            )
        ]

    def __str__(self):
        return f"{self.first_name or '–'} ({self.get_status_display()})"

    def access_place(self):
        return self.event.family_centre

    @property
    def is_active(self):
        return self.status != self.Status.CANCELLED

    def get_additional_data(self):
        return {"region": self.event.family_centre.region_id}


class Notification(models.Model):
    """A message to a parent, written in the same transaction as the change it reports and sent
    by ``neuewege run-due-jobs`` (at once as well, when a task worker runs). Parents without an
    e-mail address are called by the family centre: the staff page lists those messages."""

    class Kind(models.TextChoices):
        CONFIRMED = "confirmed", _("Booking confirmed")
        WAITLISTED = "waitlisted", _("On the waiting list")
        MOVED_UP = "moved_up", _("Moved up from the waiting list")
        REMINDER = "reminder", _("Reminder")
        CANCELLED = "cancelled", _("Booking cancelled")
        EVENT_CANCELLED = "event_cancelled", _("Event cancelled")

    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    session = models.ForeignKey(
        EventSession, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    failed_attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["sent_at", "created_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "session"],
                condition=Q(kind="reminder"),
                name="one_reminder_per_session",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} → {self.registration_id}"

    def access_place(self):
        return self.registration.event.family_centre


class CalendarFeed(models.Model):
    """A subscribable calendar of a family centre's or a speaker's events, behind a secret token
    (only its SHA-256 hash is stored) that can be revoked."""

    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=12)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(institution__isnull=True, person__isnull=False)
                | Q(institution__isnull=False, person__isnull=True),
                name="feed_of_a_centre_or_a_speaker",
            )
        ]

    def __str__(self):
        return f"{self.institution or self.person} ({self.prefix}…)"
