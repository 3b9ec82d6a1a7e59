"""Regional cooperation: the Regionen-Check (dated versions, never overwritten), the action plan
that follows from it, the steering group with its meetings and decisions.

A task of the action plan is done when someone says so, or — once it is linked to the record
that fulfils it — when that record exists in earnest: a meeting scheduled and not cancelled, an
event published or held. Later agreements and trainings link the same way.
"""

from datetime import date

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from neuewege.core.models import Institution, Person, Region


class Element(models.TextChoices):
    """The building blocks of Neue Wege NRW a region can take up (part 3 of the Check)."""

    STEERING_GROUP = "steering_group", _("Steering group")
    REGIONAL_COORDINATION = "regional_coordination", _("Regional coordination")
    TRAINING_ORIENTATION = "training_orientation", _("Cooperative training: basic module")
    TRAINING_COOPERATION = "training_cooperation", _("Cooperative training: managing cooperation")
    TRAINING_TRANSFER = "training_transfer", _("Cooperative training: knowledge transfer")
    SPEAKER_TRAINING = "speaker_training", _("Speaker training")
    FAMILY_CENTRE_INFO_EVENT = "family_centre_info_event", _("Information event for family centres")
    PARENT_CAFE = "parent_cafe", _("Elterncafé")
    INFO_SESSION = "info_session", _("Themenveranstaltung")
    PARENT_COURSE = "parent_course", _("Elternkurs „Neue Wege“")
    FRAMEWORK_AGREEMENT = (
        "framework_agreement",
        _("Framework agreement labour market/youth welfare"),
    )
    FAMILY_CENTRE_AGREEMENT = "family_centre_agreement", _("Cooperation agreement family centre")
    NAVIGATOR_BROCHURE = "navigator_brochure", _("Navigator brochure")


class ProgrammeOffer(models.TextChoices):
    """What the programme team offers a region (part 3 of the Check)."""

    SPEAKER_TRAINING = "speaker_training", _("Speaker training for labour-market staff")
    FAMILY_CENTRE_INFO_EVENT = "family_centre_info_event", _("Information event for family centres")
    REGIONAL_TRAINING = (
        "regional_training",
        _("Cooperative training or another event in the region"),
    )
    COOPERATION_ADVICE = "cooperation_advice", _("Advice on developing the cooperation")
    REGION_CHECK = "region_check", _("Regionen-Check with guiding questions")


# A Regionen-Check held longer ago than this is old: the state level's overview flags it, so
# that the region is asked to hold the Check again.
CHECK_OLD_AFTER = relativedelta(years=2)


def check_is_old(held_on: date | None, today: date) -> bool:
    """Whether a Regionen-Check held on ``held_on`` is old on ``today`` (none held: not old)."""
    return held_on is not None and held_on + CHECK_OLD_AFTER <= today


class RegionCheck(models.Model):
    """One dated version of a region's Regionen-Check. Editing makes a new version."""

    region = models.ForeignKey(
        Region, on_delete=models.CASCADE, related_name="checks", verbose_name=_("region")
    )
    version = models.PositiveIntegerField(_("version"))
    held_on = models.DateField(_("date of the workshop"))
    participants = models.TextField(_("participants"), blank=True)
    # 1 regional conditions
    existing_structures = models.TextField(_("existing cooperation structures"), blank=True)
    conflicts = models.TextField(_("fields of conflict to heed"), blank=True)
    # 2 goals
    expectations = models.TextField(_("wishes and expectations for the cooperation"), blank=True)
    # 3 Neue Wege NRW
    elements = models.JSONField(_("elements to use"), default=list, blank=True)
    support_needed = models.TextField(_("support needed"), blank=True)
    offers = models.JSONField(_("offers of the programme to use"), default=list, blank=True)
    # 4 next steps
    planning = models.TextField(_("planning"), blank=True)
    agreements = models.TextField(_("agreements"), blank=True)
    dates = models.TextField(_("dates"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["region", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["region", "version"], name="one_check_per_version")
        ]
        verbose_name = _("Regionen-Check")
        verbose_name_plural = _("Regionen-Checks")

    def __str__(self):
        return f"{self.region} – {self.version}"

    def element_labels(self):
        labels = dict(Element.choices)
        return [str(labels[code]) for code in self.elements if code in labels]

    def offer_labels(self):
        labels = dict(ProgrammeOffer.choices)
        return [str(labels[code]) for code in self.offers if code in labels]


# The answers of a Check, in the order of its four parts, each with the programme's guiding
# question as the form asks it (the comparison and the PDF show the same words).
CHECK_QUESTIONS = {
    "held_on": _("Date of the workshop"),
    "participants": _("Participants"),
    "existing_structures": _("Which cooperation structures exist already?"),
    "conflicts": _("Are there fields of conflict to heed?"),
    "expectations": _("Which wishes and expectations do you have for developing the cooperation?"),
    "elements": _("Which elements of Neue Wege NRW do you want to use?"),
    "support_needed": _("Which support do you need?"),
    "offers": _("Which offers of the programme do you want to use?"),
    "planning": _("Planning"),
    "agreements": _("Agreements"),
    "dates": _("Dates"),
}
CHECK_FIELDS = list(CHECK_QUESTIONS)


class SteeringGroup(models.Model):
    """A region's steering group: AA, JC, JA, first family centres, optionally the equality
    office and providers. A region may work without one; then coordination is recorded."""

    region = models.OneToOneField(
        Region, on_delete=models.CASCADE, related_name="steering_group", verbose_name=_("region")
    )
    coordinator = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("regional coordinator"),
    )
    founded_on = models.DateField(_("founded on"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    institutions = models.ManyToManyField(
        Institution, blank=True, related_name="steering_groups", verbose_name=_("institutions")
    )
    members = models.ManyToManyField(
        Person, blank=True, related_name="steering_groups", verbose_name=_("members")
    )

    class Meta:
        verbose_name = _("steering group")
        verbose_name_plural = _("steering groups")

    def __str__(self):
        return str(_("Steering group %(region)s") % {"region": self.region})


class Meeting(models.Model):
    """A meeting of the steering group, or of the region's coordination without one."""

    class Kind(models.TextChoices):
        STEERING_GROUP = "steering_group", _("Steering group meeting")
        COORDINATION = "coordination", _("Coordination meeting")

    region = models.ForeignKey(
        Region, on_delete=models.CASCADE, related_name="meetings", verbose_name=_("region")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=200)
    agenda = models.TextField(_("agenda"), blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    attendees = models.ManyToManyField(
        Person, blank=True, related_name="meetings", verbose_name=_("present")
    )
    is_cancelled = models.BooleanField(_("cancelled"), default=False)
    invited_at = models.DateTimeField(_("invitations sent"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="meeting_ends_after_start"
            )
        ]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")

    def __str__(self):
        return f"{self.get_kind_display()} {self.starts_at:%d.%m.%Y}"


class Task(models.Model):
    """One step of a region's action plan."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        DROPPED = "dropped", _("Dropped")

    region = models.ForeignKey(
        Region, on_delete=models.CASCADE, related_name="tasks", verbose_name=_("region")
    )
    title = models.CharField(_("title"), max_length=200)
    element = models.CharField(
        _("element of Neue Wege"), max_length=32, choices=Element.choices, blank=True
    )
    owner = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tasks",
        verbose_name=_("owner"),
    )
    institution = models.ForeignKey(
        Institution,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tasks",
        verbose_name=_("institution"),
    )
    due_on = models.DateField(_("due on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default="open")
    notes = models.TextField(_("notes"), blank=True)
    # where it came from
    region_check = models.ForeignKey(
        RegionCheck,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tasks",
        verbose_name=_("from the Regionen-Check"),
    )
    decided_in = models.ForeignKey(
        Meeting,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="decisions",
        verbose_name=_("decided in the meeting"),
    )
    # the record that fulfils it
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="fulfilled_tasks",
        verbose_name=_("fulfilled by meeting"),
    )
    event = models.ForeignKey(
        "events.ParentEvent",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="fulfilled_tasks",
        verbose_name=_("fulfilled by event"),
    )
    created_on = models.DateField(_("created on"))
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    reminded_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_on__isnull=True) | Q(due_on__gte=models.F("created_on")),
                name="task_due_after_creation",
            )
        ]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")

    def __str__(self):
        return self.title

    @staticmethod
    def fulfilled():
        """The rule "done from the data": the linked record exists in earnest."""
        from neuewege.events.models import ParentEvent

        return Q(meeting__isnull=False, meeting__is_cancelled=False) | Q(
            event__status__in=ParentEvent.LIVE_STATUSES
        )


class RegionalGoal(models.Model):
    """A regional project goal: a target value by a date, measured by a figure the platform
    computes (``indicator``) or by values entered by hand."""

    region = models.ForeignKey(
        Region, on_delete=models.CASCADE, related_name="goals", verbose_name=_("region")
    )
    title = models.CharField(_("goal"), max_length=200)
    indicator = models.CharField(_("measured by"), max_length=32, blank=True)
    unit = models.CharField(_("unit"), max_length=60, blank=True)
    target_value = models.PositiveIntegerField(_("target value"))
    target_date = models.DateField(_("to be reached by"))
    created_on = models.DateField(_("created on"))

    class Meta:
        ordering = ["target_date", "pk"]
        verbose_name = _("regional goal")
        verbose_name_plural = _("regional goals")

    def __str__(self):
        return self.title


class GoalMeasurement(models.Model):
    """A value of a goal measured by hand, with its date."""

    goal = models.ForeignKey(
        RegionalGoal, on_delete=models.CASCADE, related_name="measurements", verbose_name=_("goal")
    )
    value = models.PositiveIntegerField(_("value"))
    measured_on = models.DateField(_("measured on"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["-measured_on", "-pk"]
        verbose_name = _("measured value")
        verbose_name_plural = _("measured values")

    def __str__(self):
        return f"{self.goal}: {self.value} ({self.measured_on:%d.%m.%Y})"


class Material(models.Model):
    """A document of the materials library: the region's own, or — without a region — the
    programme's, which every region reads (transfer handbook, templates, presentations)."""

    class Kind(models.TextChoices):
        HANDBOOK = "handbook", _("Handbook or guide")
        TEMPLATE = "template", _("Template")
        PRESENTATION = "presentation", _("Presentation")
        FLYER = "flyer", _("Flyer or brochure")
        OTHER = "other", _("Other document")

    region = models.ForeignKey(
        Region,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="materials",
        verbose_name=_("region"),
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.OTHER)
    elements = models.JSONField(_("elements of Neue Wege"), default=list, blank=True)
    updated_at = models.DateTimeField(_("updated"))

    class Meta:
        ordering = ["title", "pk"]
        verbose_name = _("material")
        verbose_name_plural = _("materials")

    def __str__(self):
        return self.title

    def element_labels(self):
        labels = dict(Element.choices)
        return [str(labels[code]) for code in self.elements if code in labels]

    @property
    def current(self):
        """The newest version (from the prefetched versions, newest first)."""
        versions = self.versions.all()
        return versions[0] if versions else None

    @property
    def downloads(self):
        return sum(version.downloads for version in self.versions.all())


class MaterialVersion(models.Model):
    """One uploaded file of a material; a new upload makes a new version. Downloads are
    counted, never who downloaded."""

    material = models.ForeignKey(
        Material, on_delete=models.CASCADE, related_name="versions", verbose_name=_("material")
    )
    number = models.PositiveIntegerField(_("version"))
    file = models.FileField(_("file"), upload_to="materials/%Y/")
    filename = models.CharField(_("file name"), max_length=200)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    change_note = models.CharField(_("what changed"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    downloads = models.PositiveIntegerField(_("downloads"), default=0)

    class Meta:
        ordering = ["material", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["material", "number"], name="one_material_version")
        ]
        verbose_name = _("version of a material")
        verbose_name_plural = _("versions of materials")

    def __str__(self):
        return f"{self.material} – {self.number}"
