"""Cooperative trainings (issue 14): the catalogue of modules, trainings with their sessions, the
professionals who register, the balanced assignment of registrants to sessions, attendance.

Status of a training: draft → registration open → groups assigned → held → closed, or cancelled.
A registrant confirms their registration by an e-mail link; once confirmed they take part in
the assignment, which gives each a session or a place on the waiting list.
"""

import hashlib

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from neuewege.core.models import BackgroundWork, EventFormat, Institution, Person, Region, User


class Module(models.Model):
    """One offer of the catalogue (kept by the state level, seeded from the programme)."""

    class Kind(models.TextChoices):
        COOPERATIVE = "cooperative", _("Cooperative training")
        SPEAKER = "speaker", _("Speaker training")
        INFORMATION = "information", _("Information event for family centres")

    code = models.SlugField(_("code"), max_length=60, unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    content = models.TextField(_("content"))
    duration_hours = models.DecimalField(
        _("duration (hours)"),
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(0.5), MaxValueValidator(40)],
    )
    credited_hours = models.DecimalField(
        _("hours of further training"),
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(0), MaxValueValidator(40)],
        help_text=_("Counted as further training on the certificate of attendance."),
    )
    target_kinds = models.JSONField(
        _("for staff of"),
        default=list,
        help_text=_("The kinds of institution whose staff the module is meant for."),
    )
    min_size = models.PositiveSmallIntegerField(
        _("smallest group"), validators=[MinValueValidator(1), MaxValueValidator(200)]
    )
    max_size = models.PositiveSmallIntegerField(
        _("largest group"), validators=[MinValueValidator(1), MaxValueValidator(200)]
    )
    qualifies_for = models.JSONField(
        _("qualifies to moderate"),
        default=list,
        blank=True,
        help_text=_("Event formats a participant is qualified to moderate after attending."),
    )
    active = models.BooleanField(_("offered"), default=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "title"]
        verbose_name = _("module")
        verbose_name_plural = _("modules")
        constraints = [
            models.CheckConstraint(
                condition=Q(min_size__lte=models.F("max_size")), name="module_size_range"
            )
        ]

    def __str__(self):
        return self.title

    def get_target_kinds_display(self):
        return [Institution.Kind(kind).label for kind in self.target_kinds]

    def get_qualifies_for_display(self):
        return [EventFormat(code).label for code in self.qualifies_for]


class Training(models.Model):
    """A training of a region (or, without a region, the state level's offer to every region),
    held in one or more sessions. ``registration_key`` is the secret part of the link the
    coordinator sends to the professionals."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Registration open")
        ASSIGNED = "assigned", _("Groups assigned")
        HELD = "held", _("Held")
        CLOSED = "closed", _("Closed")
        CANCELLED = "cancelled", _("Cancelled")

    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="trainings",
        verbose_name=_("region"),
        help_text=_("Empty: an offer of the state level to the staff of every region."),
    )
    module = models.ForeignKey(
        Module, on_delete=models.PROTECT, related_name="trainings", verbose_name=_("module")
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("note for registrants"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    registration_closes_on = models.DateField(_("registration closes on"), null=True, blank=True)
    registration_key = models.CharField(max_length=43, unique=True)
    published_at = models.DateTimeField(_("groups published"), null=True, blank=True)
    cancelled_reason = models.CharField(_("reason for cancelling"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("training")
        verbose_name_plural = _("trainings")
        indexes = [models.Index(fields=["region", "status"])]

    def __str__(self):
        return self.title

    @property
    def is_open(self):
        return self.status == self.Status.OPEN


class TrainingSession(models.Model):
    """One day (or part of a day) of a training at one site, with its size range."""

    training = models.ForeignKey(
        Training, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("training")
    )
    site = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("site"),
        help_text=_("The institution that hosts the session; or give an address."),
    )
    site_address = models.CharField(_("address"), max_length=300, blank=True)
    site_postcode = models.CharField(_("postcode"), max_length=5, blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    min_size = models.PositiveSmallIntegerField(_("at least"))
    max_size = models.PositiveSmallIntegerField(_("at most"))
    trainers = models.ManyToManyField(
        Person, blank=True, related_name="training_sessions", verbose_name=_("trainers")
    )
    trainer_names = models.CharField(
        _("other trainers"), max_length=300, blank=True, help_text=_("Trainers from outside.")
    )
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        constraints = [
            models.CheckConstraint(
                condition=Q(min_size__lte=models.F("max_size")), name="session_size_range"
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="session_ends_after_start"
            ),
        ]

    def __str__(self):
        return f"{self.training} · {self.starts_at:%d.%m.%Y}"

    @property
    def region(self):
        return self.training.region

    @property
    def region_id(self):
        return self.training.region_id

    @property
    def place(self) -> str:
        if self.site_id:
            site = self.site
            return ", ".join(part for part in (site.name, site.street, site.town) if part)
        return self.site_address


class TrainingRegistration(models.Model):
    """A professional's registration for a training: their institution (or another one, by
    name), work e-mail, the sessions they can attend and, optionally, a ranked preference.
    ``session`` is the session the assignment gave them; confirmed without a session after
    the groups were assigned: on the waiting list."""

    class Status(models.TextChoices):
        UNCONFIRMED = "unconfirmed", _("E-mail not yet confirmed")
        CONFIRMED = "confirmed", _("Registered")
        CANCELLED = "cancelled", _("Cancelled")

    training = models.ForeignKey(
        Training, on_delete=models.CASCADE, related_name="registrations", verbose_name=_("training")
    )
    person = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="training_registrations",
        verbose_name=_("person"),
    )
    institution = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("institution"),
    )
    other_institution = models.CharField(_("other institution"), max_length=200, blank=True)
    institution_kind = models.CharField(
        _("kind of institution"), max_length=24, choices=Institution.Kind.choices
    )
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    email = models.EmailField(_("work e-mail"))
    available_sessions = models.ManyToManyField(
        TrainingSession, related_name="available_registrants", verbose_name=_("can attend")
    )
    preferences = models.JSONField(
        _("preferred sessions"), default=list, blank=True, help_text=_("Session ids, best first.")
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.UNCONFIRMED
    )
    confirmation_digest = models.CharField(max_length=64, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    session = models.ForeignKey(
        TrainingSession,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="participants",
        verbose_name=_("session"),
    )
    pinned = models.BooleanField(_("pinned"), default=False)
    reason = models.CharField(_("why this session"), max_length=300, blank=True)
    notified_session = models.ForeignKey(
        TrainingSession,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The session the person was last told about (published).",
    )
    attended = models.BooleanField(_("attended"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminded"), null=True, blank=True)
    certificate_sent_at = models.DateTimeField(_("certificate sent"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        verbose_name = _("training registration")
        verbose_name_plural = _("training registrations")
        constraints = [
            models.UniqueConstraint(
                "training",
                models.functions.Lower("email"),
                name="one_registration_per_email",
            ),
            models.UniqueConstraint(
                fields=["training", "person"],
                condition=Q(person__isnull=False),
                name="one_registration_per_person",
            ),
            models.CheckConstraint(
                condition=Q(institution__isnull=False) | ~Q(other_institution=""),
                name="registration_names_an_institution",
            ),
        ]
        indexes = [models.Index(fields=["training", "status"])]

    def __str__(self):
        return f"{self.first_name} {self.last_name}"

    def access_place(self):
        return self.training

    @property
    def region(self):
        return self.training.region

    @property
    def full_name(self):
        return str(self)

    @property
    def institution_name(self):
        return self.institution.name if self.institution_id else self.other_institution

    @staticmethod
    def digest_of(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()


class AssignmentRun(BackgroundWork):
    """One run of the balanced assignment for a training: queued by the planner, solved by a
    background task; ``result`` holds the plan's report (mix per session, rules, status, gap)."""

    training = models.ForeignKey(Training, on_delete=models.CASCADE, related_name="assignment_runs")
    started_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    time_limit_seconds = models.PositiveSmallIntegerField(default=10)
    result = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("assignment run")
        verbose_name_plural = _("assignment runs")

    def __str__(self):
        return f"{self.training} · {self.created_at:%d.%m.%Y %H:%M}"

    def access_place(self):
        return self.training

    @property
    def region(self):
        return self.training.region


class Qualification(models.Model):
    """A person qualified to moderate an event format, since when and by which training. Adds the
    format to the person's ``moderated_formats``, which the event planning checks."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="qualifications")
    format = models.CharField(_("format"), max_length=20, choices=EventFormat.choices)
    qualified_on = models.DateField(_("qualified on"))
    training = models.ForeignKey(
        Training, on_delete=models.SET_NULL, null=True, blank=True, related_name="qualifications"
    )

    class Meta:
        ordering = ["-qualified_on", "id"]
        verbose_name = _("qualification")
        verbose_name_plural = _("qualifications")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "format"], name="one_qualification_per_format"
            )
        ]

    def __str__(self):
        return f"{self.person} · {self.get_format_display()}"

    def access_place(self):
        return self.person.institution
