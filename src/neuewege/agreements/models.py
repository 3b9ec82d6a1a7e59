"""Cooperation agreements: the clause library, agreements with their parties, versions and
signatures, reminders before the end.

- ``Clause``: a numbered part of one of the two templates (``kind``) — the state's (no region)
  or a region's variant of it (``replaces``). Its text lives in ``ClauseVersion``s: a clause
  version is never changed, a change is a new version.
- ``Agreement``: made from a template for a region (framework) or one family centre; its
  ``parties`` are institutions of the region. Each saved text is an ``AgreementVersion`` with
  a snapshot (clause versions, texts as agreed, the data filled in) and its SHA-256 ``digest``.
- ``Signature``: one party's signature of one version — electronic (an account of that party)
  or on paper (a ``PaperCopy`` the coordinator uploaded). A new version voids the open ones.
- ``ReminderSent``: one reminder 90, 60 or 30 days before an end date, sent once.

The agreement text is German (the parties sign German text); the pages around it are
translated.
"""

from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from neuewege.core.models import Institution, Region

AGREEMENT_LANGUAGE = "de"  # the parties sign German text: the text and its documents


class Kind(models.TextChoices):
    FRAMEWORK = "framework", _("Rahmenvereinbarung Arbeitsmarkt/Jugendhilfe")
    FAMILY_CENTRE = "family_centre", _("Kooperationsvereinbarung Familienzentrum")


# the kinds of institution each template's parties are
PARTY_KINDS = {
    Kind.FRAMEWORK: (
        Institution.Kind.JOB_CENTRE,
        Institution.Kind.EMPLOYMENT_AGENCY,
        Institution.Kind.YOUTH_WELFARE_OFFICE,
    ),
    Kind.FAMILY_CENTRE: (
        Institution.Kind.FAMILY_CENTRE,
        Institution.Kind.JOB_CENTRE,
        Institution.Kind.EMPLOYMENT_AGENCY,
    ),
}


class Clause(models.Model):
    kind = models.CharField(_("template"), max_length=16, choices=Kind.choices)
    key = models.SlugField(_("key"), max_length=40)
    region = models.ForeignKey(
        Region,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("region"),
        help_text=_("Empty: the state's clause; a region's variant replaces it there."),
    )
    position = models.PositiveSmallIntegerField(_("position"))
    heading = models.CharField(_("heading"), max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "position", "region_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "key"],
                condition=models.Q(region__isnull=True),
                name="one_state_clause_per_key",
            ),
            models.UniqueConstraint(fields=["kind", "key", "region"], name="one_clause_variant"),
        ]
        verbose_name = _("clause")
        verbose_name_plural = _("clauses")

    def __str__(self):
        return self.heading

    def get_additional_data(self):
        return {"region": self.region_id}

    @property
    def latest(self):
        return self.versions.order_by("-number").first()


class ClauseVersion(models.Model):
    clause = models.ForeignKey(Clause, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    text = models.TextField(_("text"))
    note = models.CharField(_("what changed"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["clause", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["clause", "number"], name="one_clause_version")
        ]
        verbose_name = _("clause version")
        verbose_name_plural = _("clause versions")

    def __str__(self):
        return f"{self.clause} – {self.number}"

    def access_place(self):
        return self.clause.region_id


class Agreement(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SIGNING = "signing", _("In signature")
        IN_FORCE = "in_force", _("In force")
        EXPIRED = "expired", _("Expired")
        TERMINATED = "terminated", _("Terminated")
        RENEWED = "renewed", _("Renewed")

    kind = models.CharField(_("template"), max_length=16, choices=Kind.choices)
    region = models.ForeignKey(
        Region, on_delete=models.CASCADE, related_name="agreements", verbose_name=_("region")
    )
    family_centre = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="centre_agreements",
        verbose_name=_("family centre"),
    )
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    starts_on = models.DateField(_("in force from"))
    ends_on = models.DateField(_("in force until"))
    renews_automatically = models.BooleanField(
        _("renews automatically"),
        default=False,
        help_text=_("Unless terminated, the agreement runs on by the renewal term."),
    )
    renewal_months = models.PositiveSmallIntegerField(
        _("renewal term (months)"),
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    renewals = models.PositiveSmallIntegerField(_("automatic renewals"), default=0)
    in_force_at = models.DateTimeField(_("in force since"), null=True, blank=True)
    terminated_on = models.DateField(_("terminated on"), null=True, blank=True)
    predecessor = models.OneToOneField(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="successor",
        verbose_name=_("renews"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["region", "kind", "title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gt=models.F("starts_on")),
                name="agreement_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(kind="framework", family_centre__isnull=True)
                | models.Q(kind="family_centre", family_centre__isnull=False),
                name="agreement_centre_by_kind",
            ),
        ]
        indexes = [models.Index(fields=["region", "status", "ends_on"])]
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")

    def __str__(self):
        return self.title

    def get_additional_data(self):
        return {"region": self.region_id}

    def days_in_force(self):
        """The first and the last day the agreement is (or was) in force — the one rule, which
        ``in_force_filter`` puts to the database: once every party signed (its status), from
        the day of the last signature (``in_force_at``; one written without it counts from its
        start) or its start, to its end or the day before its termination (the day of the
        termination is no longer in force). None if it never was. One that has expired, been
        terminated or renewed since was in force on those days."""
        if self.status not in CAME_IN_FORCE:
            return None
        first = self.starts_on
        if self.in_force_at is not None:
            first = max(first, timezone.localdate(self.in_force_at))
        last = self.ends_on
        if self.terminated_on is not None:
            last = min(last, self.terminated_on - timedelta(days=1))
        return (first, last) if first <= last else None

    def in_force_on(self, day) -> bool:
        days = self.days_in_force()
        return days is not None and days[0] <= day <= days[1]

    @staticmethod
    def in_force_filter(day) -> models.Q:
        """``in_force_on`` as a filter: the agreements in force on ``day``."""
        next_midnight = timezone.make_aware(datetime.combine(day + timedelta(days=1), time()))
        return (
            models.Q(status__in=CAME_IN_FORCE, starts_on__lte=day, ends_on__gte=day)
            & (models.Q(in_force_at__isnull=True) | models.Q(in_force_at__lt=next_midnight))
            & (models.Q(terminated_on__isnull=True) | models.Q(terminated_on__gt=day))
        )

    def status_on(self, today) -> str:
        """The status as the pages show it: "signed" before the term begins, "expiring" within
        ``EXPIRING_DAYS`` of the end, "expired" (or "terminated") after it, also before the due
        job records it; one renewed by a successor is in force until its own end."""
        if self.status == self.Status.IN_FORCE and self.starts_on > today:
            return SIGNED
        if self.in_force_on(today):
            if self.status == self.Status.IN_FORCE and (self.ends_on - today).days <= EXPIRING_DAYS:
                return EXPIRING
            return self.Status.IN_FORCE  # a renewed one until its successor begins
        if self.status == self.Status.IN_FORCE and (
            self.ends_on < today or (self.terminated_on and self.terminated_on <= today)
        ):  # its term is over, the due job has not yet recorded it
            return self.Status.TERMINATED if self.terminated_on else self.Status.EXPIRED
        return self.status


EXPIRING = "expiring"
# the statuses of an agreement every party signed: in force, or in force until its end
CAME_IN_FORCE = (
    Agreement.Status.IN_FORCE,
    Agreement.Status.EXPIRED,
    Agreement.Status.TERMINATED,
    Agreement.Status.RENEWED,
)
SIGNED = "signed"  # signed by every party, its term not begun
EXPIRING_DAYS = 90
STATUS_LABELS = dict(Agreement.Status.choices) | {
    EXPIRING: _("Expiring"),
    SIGNED: _("Signed, not yet begun"),
}


class Party(models.Model):
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="parties")
    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="+", verbose_name=_("institution")
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["agreement", "position"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "institution"], name="one_party_each")
        ]
        verbose_name = _("party")
        verbose_name_plural = _("parties")

    def __str__(self):
        return self.institution.name

    def access_place(self):
        return self.institution  # who signs for it: staff of that institution


class AgreementVersion(models.Model):
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    snapshot = models.JSONField(_("snapshot"))  # parties, clauses (versions, texts), data
    digest = models.CharField(_("SHA-256"), max_length=64)
    note = models.CharField(_("what changed"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    sealed_pdf = models.BinaryField(_("sealed PDF"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["agreement", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "number"], name="one_agreement_version")
        ]
        verbose_name = _("agreement version")
        verbose_name_plural = _("agreement versions")

    def __str__(self):
        return f"{self.agreement} – {self.number}"

    @property
    def region(self):
        return self.agreement.region

    def access_place(self):
        return self.agreement.region_id


class PaperCopy(models.Model):
    """The scanned paper copy of a version, signed by hand, uploaded by the coordinator."""

    version = models.ForeignKey(
        AgreementVersion, on_delete=models.CASCADE, related_name="paper_copies"
    )
    file = models.FileField(_("file"), upload_to="agreements/%Y/")
    filename = models.CharField(_("file name"), max_length=200)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("signed paper copy")
        verbose_name_plural = _("signed paper copies")

    def __str__(self):
        return self.filename

    @property
    def region(self):
        return self.version.agreement.region

    def access_place(self):
        return self.version.agreement.region_id


class Signature(models.Model):
    class Method(models.TextChoices):
        ELECTRONIC = "electronic", _("Signed in Neue Wege")
        PAPER = "paper", _("Signed on paper")

    version = models.ForeignKey(
        AgreementVersion, on_delete=models.CASCADE, related_name="signatures"
    )
    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="signatures")
    method = models.CharField(_("how"), max_length=10, choices=Method.choices)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    signer_name = models.CharField(_("signed by"), max_length=200)
    signer_function = models.CharField(_("function"), max_length=200, blank=True)
    signed_at = models.DateTimeField(_("signed"), default=timezone.now)
    digest = models.CharField(_("SHA-256 of the version signed"), max_length=64)
    paper_copy = models.ForeignKey(
        PaperCopy, on_delete=models.CASCADE, null=True, blank=True, related_name="signatures"
    )
    voided_at = models.DateTimeField(_("void since"), null=True, blank=True)

    class Meta:
        ordering = ["version", "party__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "party"],
                condition=models.Q(voided_at__isnull=True),
                name="one_valid_signature_per_party",
            )
        ]
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")

    def __str__(self):
        return f"{self.party} – {self.signer_name}"

    def access_place(self):
        return self.version.agreement.region_id


class ReminderSent(models.Model):
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="reminders")
    days_before = models.PositiveSmallIntegerField()
    ends_on = models.DateField()  # the end date it was about (a renewal brings a new one)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "days_before", "ends_on"], name="one_reminder_each"
            )
        ]

    def __str__(self):
        return f"{self.agreement} – {self.days_before}"
