import hashlib

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.validators import MaxValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device, ThrottlingMixin, TimestampMixin

from .validators import validate_latitude, validate_longitude

postcode_validator = RegexValidator(r"^\d{5}$", _("A postcode has exactly 5 digits."))


class AdministrativeDistrict(models.TextChoices):
    DUESSELDORF = "duesseldorf", "Düsseldorf"
    KOELN = "koeln", "Köln"
    MUENSTER = "muenster", "Münster"
    DETMOLD = "detmold", "Detmold"
    ARNSBERG = "arnsberg", "Arnsberg"


class Region(models.Model):
    """A Kreis, kreisfreie Stadt or StädteRegion: the unit of cooperation and of access."""

    class Kind(models.TextChoices):
        DISTRICT = "district", _("Kreis")
        CITY = "city", _("Kreisfreie Stadt")

    class Phase(models.TextChoices):
        NONE = "", _("Not yet in the programme")
        MODEL = "model", _("Model region")
        TRANSFER = "transfer", _("Transfer region")
        EXTENSION = "extension", _("Extension region")

    key = models.CharField(_("Kreisschlüssel"), max_length=5, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    administrative_district = models.CharField(
        _("Regierungsbezirk"), max_length=12, choices=AdministrativeDistrict.choices
    )
    phase = models.CharField(_("programme phase"), max_length=10, choices=Phase.choices, blank=True)
    phase_start = models.DateField(_("phase from"), null=True, blank=True)
    phase_end = models.DateField(_("phase until"), null=True, blank=True)
    second_factor_required = models.BooleanField(
        _("second factor required"),
        default=False,
        help_text=_("Every account of the region signs in with a code from an app as well."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self):
        return self.name


class InstitutionQuerySet(models.QuerySet):
    def family_centres(self):
        return self.filter(kind=Institution.Kind.FAMILY_CENTRE)

    def serving(self, region):
        """The institutions of ``region`` and those whose district also covers it (an Agentur
        für Arbeit's district spans several regions)."""
        covering = Institution.also_serves.through.objects.filter(region=region)
        return self.filter(Q(region=region) | Q(pk__in=covering.values("institution_id")))


class Institution(models.Model):
    class Kind(models.TextChoices):
        EMPLOYMENT_AGENCY = "employment_agency", _("Agentur für Arbeit")
        JOB_CENTRE = "job_centre", _("Jobcenter")
        YOUTH_WELFARE_OFFICE = "youth_welfare_office", _("Jugendamt")
        FAMILY_CENTRE = "family_centre", _("Familienzentrum")
        EQUALITY_OFFICE = "equality_office", _("Gleichstellungsstelle")
        EDUCATION_PROVIDER = "education_provider", _("Bildungsträger")
        OTHER = "other", _("Other")

    class JobCentreType(models.TextChoices):
        JOINT = "joint", _("Joint institution (AA and municipality)")
        MUNICIPAL = "municipal", _("Municipal (zkT)")

    class ProviderType(models.TextChoices):
        CATHOLIC = "catholic", _("Catholic church (KDG)")
        PROTESTANT = "protestant", _("Protestant church (DSG-EKD)")
        WELFARE = "welfare", _("Independent welfare association")
        MUNICIPAL = "municipal", _("Municipality")
        PARENTS = "parents", _("Parents' initiative")
        OTHER = "other", _("Other")

    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="institutions", verbose_name=_("region")
    )
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    external_id = models.CharField(
        _("external ID"),
        max_length=64,
        null=True,
        blank=True,
        unique=True,
        help_text=_("Identifier from the source list, used to update on re-import."),
    )
    street = models.CharField(_("street and number"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=5, validators=[postcode_validator])
    town = models.CharField(_("town"), max_length=100)
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[validate_latitude],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[validate_longitude],
    )
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    website = models.URLField(_("website"), blank=True)

    job_centre_type = models.CharField(
        _("job centre type"), max_length=10, choices=JobCentreType.choices, blank=True
    )
    provider = models.CharField(_("provider (Träger)"), max_length=200, blank=True)
    provider_type = models.CharField(
        _("type of provider"), max_length=12, choices=ProviderType.choices, blank=True
    )
    youth_welfare_office = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="district_centres",
        limit_choices_to={"kind": "youth_welfare_office"},
        verbose_name=_("youth welfare office"),
    )
    also_serves = models.ManyToManyField(
        Region,
        blank=True,
        related_name="served_by",
        verbose_name=_("also serves"),
        help_text=_(
            "Further regions of the institution's district: an Agentur für Arbeit serves several "
            "Kreise. Its people work with those regions too and it can be a party of their "
            "agreements."
        ),
    )
    district = models.CharField(
        _("district (Jugendamtsbezirk)"),
        max_length=300,
        blank=True,
        help_text=_("Towns or areas this youth welfare office is responsible for."),
    )
    certified_from = models.DateField(_("Gütesiegel from"), null=True, blank=True)
    certified_until = models.DateField(_("Gütesiegel until"), null=True, blank=True)
    childcare_places = models.PositiveSmallIntegerField(
        _("childcare places during events"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(200)],
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = InstitutionQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")
        indexes = [
            models.Index(fields=["region", "kind", "name"]),
            models.Index(fields=["postcode"]),
            models.Index(fields=["name", "postcode"]),
            # the parents' search near a place (events.search.centres_within): the family
            # centres inside a bounding box, and those without a position (found at their
            # postcode's centroid), each from a small index instead of a scan of all
            models.Index(
                fields=["latitude", "longitude"],
                condition=Q(kind="family_centre"),
                name="core_inst_centre_position",
            ),
            models.Index(
                fields=["id"],
                condition=Q(kind="family_centre")
                & (Q(latitude__isnull=True) | Q(longitude__isnull=True)),
                name="core_inst_centre_unplaced",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(job_centre_type="") | Q(kind="job_centre"),
                name="job_centre_type_only_for_job_centres",
                violation_error_message=_("Only job centres have a job centre type."),
            ),
            models.CheckConstraint(
                condition=Q(certified_until__isnull=True)
                | Q(certified_from__isnull=True)
                | Q(certified_until__gte=models.F("certified_from")),
                name="certification_ends_after_it_starts",
                violation_error_message=_("The Gütesiegel cannot end before it starts."),
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.town})"

    loaded_kind = None  # the kind as stored, to notice a change of kind

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance.loaded_kind = instance.__dict__.get("kind")
        return instance

    @property
    def kind_label(self):
        """Like get_kind_display(), without building the choices dict on every call (lists)."""
        return self.Kind(self.kind).label

    @property
    def data_protection_law(self):
        """Church providers apply their own data protection law instead of the DSGVO alone."""
        return {
            self.ProviderType.CATHOLIC: "KDG",
            self.ProviderType.PROTESTANT: "DSG-EKD",
        }.get(self.provider_type, "DSGVO")

    @property
    def has_coordinates(self):
        return self.latitude is not None and self.longitude is not None

    def get_additional_data(self):
        return {"region": self.region_id}


class NetworkMember(models.Model):
    """A Kita belonging to a family centre that is a Verbund (up to five Kitas within 3 km)."""

    family_centre = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="network_members"
    )
    name = models.CharField(_("name"), max_length=200)
    street = models.CharField(_("street and number"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=5, validators=[postcode_validator])
    town = models.CharField(_("town"), max_length=100)

    class Meta:
        ordering = ["name"]
        verbose_name = _("member Kita")
        verbose_name_plural = _("member Kitas")

    def __str__(self):
        return self.name

    def get_additional_data(self):
        return {"region": self.family_centre.region_id}


class OpeningPeriod(models.Model):
    """Opening hours of a family centre on one weekday; early and late hours (Randzeiten) marked."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="opening_periods"
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))
    is_extended_hours = models.BooleanField(
        _("early or late hours"),
        default=False,
        help_text=_("Care outside the core hours (Randzeiten)."),
    )

    class Meta:
        ordering = ["weekday", "opens"]
        verbose_name = _("opening period")
        verbose_name_plural = _("opening hours")
        constraints = [
            models.CheckConstraint(
                condition=Q(closes__gt=models.F("opens")),
                name="closes_after_opens",
                violation_error_message=_("The closing time must be after the opening time."),
            )
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"

    @property
    def weekday_label(self):
        """Like get_weekday_display(), without building the choices dict on every call."""
        return self.Weekday(self.weekday).label

    def get_additional_data(self):
        return {"region": self.institution.region_id}


class EventFormat(models.TextChoices):
    """The three prototypes of events in family centres (catalogue details come with events)."""

    PARENT_CAFE = "parent_cafe", _("Elterncafé")
    INFO_SESSION = "info_session", _("Themenveranstaltung")
    PARENT_COURSE = "parent_course", _("Elternkurs „Neue Wege“")


class Person(models.Model):
    class Function(models.TextChoices):
        BCA = "bca", _("BCA (equal opportunities officer at AA/JC)")
        PLACEMENT_OFFICER = "placement_officer", _("Placement officer")
        CASE_MANAGER = "case_manager", _("Case manager")
        FAMILY_CENTRE_HEAD = "family_centre_head", _("Head of family centre")
        FAMILY_CENTRE_STAFF = "family_centre_staff", _("Family centre staff")
        COORDINATOR = "coordinator", _("Regional coordinator")
        YOUTH_WELFARE_STAFF = "youth_welfare_staff", _("Youth welfare staff")
        EQUALITY_OFFICER = "equality_officer", _("Equality officer")
        OTHER = "other", _("Other")

    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="people", verbose_name=_("institution")
    )
    external_id = models.CharField(
        _("external ID"), max_length=64, null=True, blank=True, unique=True
    )
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    function = models.CharField(_("function"), max_length=24, choices=Function.choices)
    email = models.EmailField(_("e-mail"), null=True, blank=True, unique=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    moderated_formats = models.JSONField(
        _("qualified to moderate"),
        default=list,
        blank=True,
        help_text=_("Event formats this person is qualified to moderate."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        indexes = [models.Index(fields=["last_name", "first_name"])]

    def __str__(self):
        return f"{self.first_name} {self.last_name}"

    def access_place(self):
        return self.institution

    @property
    def full_name(self):
        return str(self)

    @property
    def function_label(self):
        return self.Function(self.function).label

    def get_moderated_formats_display(self):
        labels = dict(EventFormat.choices)
        return [labels.get(code, code) for code in self.moderated_formats]

    def get_additional_data(self):
        return {"region": self.institution.region_id}


class UserManager(BaseUserManager):
    use_in_migrations = True

    def get_by_natural_key(self, username):
        """Signing in finds the account whatever the case of the address typed."""
        return self.get(email=User.normalize_username(username or ""))

    def create_user(self, email, password=None, **fields):
        user = self.model(email=User.normalize_username(email), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **fields):
        fields.update(is_staff=True, is_superuser=True, role=User.Role.STATE)
        return self.create_user(email, password, **fields)


class User(AbstractUser):
    """An account. Signs in with its e-mail address; its role and regions decide what it sees."""

    class Role(models.TextChoices):
        STATE = "state", _("State level")
        COORDINATOR = "coordinator", _("Regional coordinator")
        STAFF = "staff", _("Staff")
        VIEWER = "viewer", _("Viewer")

    username = None
    email = models.EmailField(_("e-mail"), unique=True)
    role = models.CharField(_("role"), max_length=12, choices=Role.choices, default=Role.VIEWER)
    regions = models.ManyToManyField(
        Region,
        blank=True,
        related_name="accounts",
        verbose_name=_("regions"),
        help_text=_("For coordinators and viewers: the regions they work in."),
    )
    person = models.OneToOneField(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="account",
        verbose_name=_("person"),
    )
    signs_agreements = models.BooleanField(
        _("signs cooperation agreements"),
        default=False,
        help_text=_(
            "May sign cooperation agreements for their institution: its authorised signatories "
            "only (the head of the Jobcenter or Jugendamt, the agency's management, the family "
            "centre's head or provider)."
        ),
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []
    objects = UserManager()

    class Meta:
        ordering = ["email"]
        verbose_name = _("account")
        verbose_name_plural = _("accounts")

    def __str__(self):
        return self.get_full_name() or self.email

    @classmethod
    def normalize_username(cls, username):
        """E-mail addresses are stored, looked up and counted (sign-in throttling) in one form:
        Unicode NFKC, without surrounding spaces, in lower case — so ``Koordination@…`` and
        ``koordination@…`` are one account."""
        return super().normalize_username(username or "").strip().lower()

    def get_additional_data(self):
        """The region under which the change log shows this account (for an account in several
        regions: the first of them)."""
        if self.person_id:
            return {"region": self.person.institution.region_id}
        return {"region": self.regions.values_list("id", flat=True).first()}


class ApiToken(models.Model):
    """A personal API token. Only its SHA-256 hash is stored; the token is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=12)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"


class BackgroundWork(models.Model):
    """Long work a background task does while someone waits for it (core/progress.py): how far
    it is, for a progress bar, and how it ended."""

    class State(models.TextChoices):
        WAITING = "waiting", _("waiting")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    work_state = models.CharField(max_length=8, choices=State.choices, default=State.WAITING)
    work_done = models.PositiveIntegerField(default=0)
    work_total = models.PositiveIntegerField(default=0)
    work_updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True


class ImportBatch(BackgroundWork):
    """An uploaded file while it is checked and waits for confirmation, and afterwards the record
    of an import. The check and, once confirmed, the import run as background work; ``report``
    holds the last one's result (problems by line and column, or what will be or was saved)."""

    class Kind(models.TextChoices):
        INSTITUTIONS = "institutions", _("Institutions")
        PEOPLE = "people", _("People")

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="imports")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    filename = models.CharField(max_length=200)
    content = models.BinaryField()
    uploaded_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True)
    language = models.CharField(max_length=8, default="de")  # of the report's messages
    created_at = models.DateTimeField(auto_now_add=True)
    report = models.JSONField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.filename


class ExportFile(BackgroundWork):
    """A file that a long export (``Exporter.background``, core/exporters.py) makes in the
    background, kept for the account that asked for it — no one else sees it — for the
    retention of the data category "export_files", then purged. ``error``: why the file was
    not made after all (the account lost the right meanwhile, parameters that make no sense),
    in the account's language."""

    owner = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    exporter = models.CharField(max_length=100)
    fmt = models.CharField(max_length=8)
    params = models.JSONField(default=dict, blank=True)
    language = models.CharField(max_length=8, default="de")
    created_at = models.DateTimeField(default=timezone.now)
    filename = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=200, blank=True)
    content = models.BinaryField(default=b"")
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.exporter}.{self.fmt}"


class BarrierReport(models.Model):
    """Feedback on a barrier, from the form linked in the accessibility statement."""

    page_url = models.CharField(_("page"), max_length=500, blank=True)
    description = models.TextField(_("description of the barrier"))
    contact = models.CharField(_("contact for a reply (optional)"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("barrier report")
        verbose_name_plural = _("barrier reports")

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d} {self.page_url}"


class PersonalDataLog(models.Model):
    """Who read, exported or changed parents' personal data, when, which record and why
    (SGB X: proof of processing). Entries are deleted after the log retention period."""

    class Action(models.TextChoices):
        VIEW = "view", _("viewed")
        EXPORT = "export", _("exported")
        CHANGE = "change", _("changed")
        DELETE = "delete", _("deleted")

    user = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("account")
    )
    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+")
    action = models.CharField(_("action"), max_length=8, choices=Action.choices)
    record = models.CharField(_("record"), max_length=200)
    purpose = models.CharField(_("purpose"), max_length=200)
    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("access to personal data")
        verbose_name_plural = _("accesses to personal data")

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.user} {self.action} {self.record}"


class JobRun(models.Model):
    """One run of a due job (``core/jobs.py``): an unfinished run holds the job, so that two
    calls of ``run-due-jobs`` at once never run it twice (the unique constraint below)."""

    job = models.CharField(_("job"), max_length=100)
    started_at = models.DateTimeField(_("started"), db_index=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    succeeded = models.BooleanField(_("succeeded"), null=True)
    result = models.TextField(_("result"), blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("run of a due job")
        verbose_name_plural = _("runs of due jobs")
        indexes = [models.Index(fields=["job", "-started_at"], name="core_jobrun_job_started")]
        constraints = [
            models.UniqueConstraint(
                fields=["job"],
                condition=models.Q(finished_at__isnull=True),
                name="core_jobrun_one_unfinished_per_job",
            )
        ]

    def __str__(self):
        return f"{self.job} {self.started_at:%Y-%m-%d %H:%M}"


class RecoveryCodeDevice(TimestampMixin, ThrottlingMixin, Device):
    """The one-time recovery codes of an account, a second factor for when the phone is lost.

    Only a SHA-256 digest of each code is stored, as for API tokens: the codes are random
    (50 bits each), so a fast hash suffices, and whoever reads the database, a backup or the
    admin cannot sign in with them. (The TOTP secret itself must be kept readable to compute
    codes; hashing the recovery codes keeps them from being a second copy of the factor.)
    A code that matches is deleted: each works once."""

    class Meta:
        verbose_name = _("recovery codes")
        verbose_name_plural = _("recovery codes")

    @staticmethod
    def normalize(code: str) -> str:
        return "".join(char for char in (code or "").upper() if char.isalnum())

    @classmethod
    def digest_of(cls, code: str) -> str:
        return hashlib.sha256(cls.normalize(code).encode()).hexdigest()

    def verify_token(self, token):
        allowed, _reason = self.verify_is_allowed()
        if not allowed:
            return False
        deleted, _rows = self.codes.filter(digest=self.digest_of(token)).delete()
        if not deleted:
            self.throttle_increment(commit=True)
            return False
        self.throttle_reset(commit=False)
        self.set_last_used_timestamp(commit=False)
        self.save()
        return True

    def get_throttle_factor(self):
        return getattr(settings, "OTP_STATIC_THROTTLE_FACTOR", 1)


class RecoveryCode(models.Model):
    device = models.ForeignKey(RecoveryCodeDevice, on_delete=models.CASCADE, related_name="codes")
    digest = models.CharField(max_length=64, db_index=True)

    def __str__(self):
        return f"{self.digest[:8]}…"
