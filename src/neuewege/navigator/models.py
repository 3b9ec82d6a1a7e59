"""The navigator's directory of counselling and support offers, in the shape of Open Referral
HSDS 3.0 (the ids are the HSDS ids, so that an exchange with other directories matches them):

- ``Organization``: who provides offers — an institution of the platform or another provider
  (a debt counselling service, a language school);
- ``Location``: where (an address with coordinates, how to get there, step-free access);
- ``Offer`` (HSDS *service*): what is offered, for whom, in which languages, at which cost,
  what to bring; mapped to ``Need``s of the taxonomy in plain words; kept by an institution
  (``keeper``; none: the coordinator), confirmed on ``checked_on`` (the freshness rules in
  ``freshness.py``);
- ``ServiceAtLocation``, ``OfferLanguage``, ``Contact`` (``internal``: a direct number only staff
  see), ``Schedule`` (an RFC 5545 recurrence rule with opening hours);
- ``ChildcareDistrict`` (§4 of the framework agreement): a Jugendamt's childcare information
  for the postcodes of its district, its ``ChildcareContact``s and the family centres with free
  places (``ChildcareVacancy``).
"""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from neuewege.core.models import BackgroundWork, Institution, Region, User, postcode_validator


class Need(models.Model):
    """A term of the taxonomy of needs (HSDS *taxonomy_term*); its words live in
    ``taxonomy.py`` (translated), the table holds what offers are mapped to."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order"]
        verbose_name = _("need")
        verbose_name_plural = _("needs")

    def __str__(self):
        from .taxonomy import label

        return str(label(self.code))


class Organization(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="organizations", verbose_name=_("region")
    )
    institution = models.ForeignKey(
        Institution,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="organizations",
        verbose_name=_("institution of the platform"),
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self):
        return self.name


class Location(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="locations"
    )
    name = models.CharField(_("name of the place"), max_length=200, blank=True)
    street = models.CharField(_("street and number"), max_length=200)
    postcode = models.CharField(_("postcode"), max_length=5, validators=[postcode_validator])
    town = models.CharField(_("town"), max_length=100)
    latitude = models.DecimalField(max_digits=8, decimal_places=5, null=True, blank=True)
    longitude = models.DecimalField(max_digits=8, decimal_places=5, null=True, blank=True)
    transportation = models.TextField(
        _("how to get there"), blank=True, help_text=_("Bus and train stops, parking.")
    )
    step_free = models.BooleanField(_("step-free access"), default=False)
    accessibility = models.TextField(
        _("accessibility"), blank=True, help_text=_("Lift, accessible toilet, hearing loop …")
    )

    class Meta:
        ordering = ["town", "street"]
        indexes = [models.Index(fields=["latitude", "longitude"], name="navigator_location_geo")]

    def __str__(self):
        return ", ".join(part for part in (self.name, self.street, self.town) if part)

    def access_place(self):
        return self.organization.region_id


class Offer(models.Model):
    class Status(models.TextChoices):  # the values of HSDS service.status
        ACTIVE = "active", _("active")
        INACTIVE = "inactive", _("paused")
        DEFUNCT = "defunct", _("ended")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="offers", verbose_name=_("region")
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        related_name="offers",
        verbose_name=_("organisation"),
    )
    keeper = models.ForeignKey(
        Institution,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="kept_offers",
        verbose_name=_("kept by"),
        help_text=_("The institution that keeps this offer up to date; empty: the coordinator."),
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("what is offered"))
    needs = models.ManyToManyField(Need, related_name="offers", verbose_name=_("needs"))
    locations = models.ManyToManyField(
        Location, through="ServiceAtLocation", related_name="offers", blank=True
    )
    url = models.URLField(_("web page"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    application_process = models.TextField(
        _("how to get an appointment"), blank=True, help_text=_("Walk in, call first, online …")
    )
    required_documents = models.TextField(_("what to bring"), blank=True)
    eligibility = models.TextField(
        _("for whom"), blank=True, help_text=_("Target groups and conditions, in plain words.")
    )
    minimum_age = models.PositiveSmallIntegerField(_("minimum age"), null=True, blank=True)
    maximum_age = models.PositiveSmallIntegerField(_("maximum age"), null=True, blank=True)
    free_of_charge = models.BooleanField(_("free of charge"), default=True)
    fees = models.CharField(_("costs"), max_length=200, blank=True)
    online = models.BooleanField(
        _("also by phone or online"),
        default=False,
        help_text=_("Reachable without going there: found in the whole region."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    checked_on = models.DateField(_("checked on"))
    reminded_on = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        indexes = [models.Index(fields=["region", "status", "checked_on"])]

    def __str__(self):
        return self.name

    def access_place(self):
        """Kept by an institution: its place (staff keep their own); else the region."""
        return self.keeper if self.keeper_id else self.region_id


class ServiceAtLocation(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="at_locations")
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="at_locations")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["offer", "location"], name="navigator_one_sal")
        ]

    def __str__(self):
        return f"{self.offer_id} @ {self.location_id}"


class OfferLanguage(models.Model):
    """A language the offer is given in (ISO 639-1 code, HSDS *language*)."""

    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="languages")
    code = models.CharField(_("language"), max_length=8)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["offer", "code"], name="navigator_one_language")
        ]
        indexes = [models.Index(fields=["code", "offer"])]

    def __str__(self):
        return self.code


class Contact(models.Model):
    """A person or desk to contact (HSDS *contact* with its *phone*). ``internal``: a direct
    number for professionals, never shown to parents nor exported publicly."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("name"), max_length=200, blank=True)
    title = models.CharField(_("function"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    internal = models.BooleanField(
        _("for professionals only"),
        default=False,
        help_text=_("Direct numbers for staff of the region; parents do not see them."),
    )

    class Meta:
        ordering = ["internal", "name"]

    def __str__(self):
        return self.name or self.phone or self.email


class Schedule(models.Model):
    """When the offer is open: an RFC 5545 recurrence rule (``FREQ=WEEKLY;BYDAY=MO,WE``) with
    opening and closing times (HSDS *schedule*), at one of its places or everywhere."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="schedules")
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, null=True, blank=True, related_name="schedules"
    )
    rrule = models.CharField(_("recurrence (RFC 5545)"), max_length=200)
    opens_at = models.TimeField(_("opens at"))
    closes_at = models.TimeField(_("closes at"))
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid until"), null=True, blank=True)
    description = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["opens_at"]

    def __str__(self):
        return f"{self.rrule} {self.opens_at:%H:%M}–{self.closes_at:%H:%M}"


class ChildcareDistrict(models.Model):
    """A Jugendamt's childcare information for §4 of the framework agreement: whom the job
    centre and the agency call for a place in a Kita or in Tagespflege, how to apply, care at
    short notice and at early or late hours — for the postcodes of its district."""

    youth_office = models.OneToOneField(
        Institution,
        on_delete=models.CASCADE,
        related_name="childcare",
        limit_choices_to={"kind": Institution.Kind.YOUTH_WELFARE_OFFICE},
        verbose_name=_("Jugendamt"),
    )
    postcodes = models.TextField(
        _("postcodes of the district"), help_text=_("The postcodes this Jugendamt serves.")
    )
    how_to_apply = models.TextField(_("how to apply for a place"), blank=True)
    portal_url = models.URLField(_("online portal for childcare places"), blank=True)
    short_notice = models.TextField(_("emergency and short-notice care"), blank=True)
    extended_hours = models.TextField(_("care at early and late hours"), blank=True)
    checked_on = models.DateField(_("checked on"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("childcare information")

    def __str__(self):
        return str(self.youth_office)

    def access_place(self):
        return self.youth_office

    @property
    def postcode_list(self) -> list[str]:
        return sorted(set(self.postcodes.replace(",", " ").split()))


class ChildcareContact(models.Model):
    class Topic(models.TextChoices):
        KITA = "kita", _("Place in a Kita")
        DAY_CARE = "day_care", _("Place in Kindertagespflege")
        SHORT_NOTICE = "short_notice", _("Emergency and short-notice care")
        EXTENDED_HOURS = "extended_hours", _("Care at early and late hours")
        GENERAL = "general", _("General questions")

    district = models.ForeignKey(
        ChildcareDistrict, on_delete=models.CASCADE, related_name="contacts"
    )
    topic = models.CharField(_("topic"), max_length=16, choices=Topic.choices)
    name = models.CharField(_("name or desk"), max_length=200)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    internal_phone = models.CharField(
        _("direct number for professionals"), max_length=40, blank=True
    )
    hours = models.CharField(_("when to reach"), max_length=200, blank=True)

    class Meta:
        ordering = ["topic", "name"]

    def __str__(self):
        return self.name


class ChildcareVacancy(models.Model):
    """Free places a family centre's Kita reported to the Jugendamt (where known)."""

    district = models.ForeignKey(
        ChildcareDistrict, on_delete=models.CASCADE, related_name="vacancies"
    )
    centre = models.ForeignKey(
        Institution,
        on_delete=models.CASCADE,
        related_name="+",
        limit_choices_to={"kind": Institution.Kind.FAMILY_CENTRE},
        verbose_name=_("family centre"),
    )
    places = models.PositiveSmallIntegerField(_("free places"))
    ages = models.CharField(_("for children aged"), max_length=100, blank=True)
    reported_on = models.DateField(_("reported on"))

    class Meta:
        ordering = ["-reported_on"]
        constraints = [
            models.UniqueConstraint(fields=["district", "centre"], name="navigator_one_vacancy")
        ]

    def __str__(self):
        return f"{self.centre_id}: {self.places}"


class HsdsImport(BackgroundWork):
    """An uploaded Open Referral (HSDS) file while it is checked and imported in the background,
    and afterwards its report (created, updated and refused records). ``check_only``: checked,
    nothing saved. The file is dropped once imported; uploads and reports are purged after a
    day (``privacy.py``)."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="hsds_imports")
    filename = models.CharField(max_length=200)
    content = models.BinaryField()
    check_only = models.BooleanField(default=False)
    uploaded_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, related_name="+")
    language = models.CharField(max_length=8, default="de")  # of the report's messages
    created_at = models.DateTimeField(auto_now_add=True)
    report = models.JSONField(null=True, blank=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.filename
