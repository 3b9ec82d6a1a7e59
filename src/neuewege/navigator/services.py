"""Keeping the directory: an offer entered or changed with its organisation, places, needs,
languages, opening hours and contacts (``save_offer``), confirmed as still correct
(``confirm_offer``), paused or ended (``set_status``); an HSDS file uploaded for its import in the
background (``upload_hsds``). Every save counts as a check: the offer's
``checked_on`` becomes today.

Who keeps what: staff keep their own institution's offers (``navigator.keep`` reaches their
institution), the coordinator the region's — those without a keeper — and may give an offer a
keeper. Field errors are named as the staff form names its fields: ``place_0_postcode``,
``schedule_1_rrule``, ``contact_0_email``.
"""

from dataclasses import dataclass, field
from datetime import date, time
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from neuewege.core.access import Access, Reach, permission_named
from neuewege.core.errors import PermissionDenied, ValidationFailed
from neuewege.core.models import Institution, Region
from neuewege.events.search import postcode_point

from . import schedules as schedule_rules
from .childcare import POSTCODE
from .languages import CODES as LANGUAGE_CODES
from .models import (
    ChildcareContact,
    ChildcareDistrict,
    ChildcareVacancy,
    Contact,
    HsdsImport,
    Location,
    Need,
    Offer,
    OfferLanguage,
    Organization,
    Schedule,
    ServiceAtLocation,
)
from .permissions import KEEP, KEEP_CHILDCARE

TRANSLATED_FIELDS = ("name", "description", "required_documents")
TRANSLATION_KEYS = frozenset(
    f"{name}_{code}"
    for name in TRANSLATED_FIELDS
    for code, _label in settings.LANGUAGES
    if code != settings.LANGUAGE_CODE
)
MAX_AGE = 120
MAX_ROWS = 20  # places, opening hours and contacts of one offer: what the form shows


@dataclass
class PlaceData:
    street: str
    postcode: str
    town: str
    name: str = ""
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    transportation: str = ""
    step_free: bool = False
    accessibility: str = ""


@dataclass
class ScheduleData:
    rrule: str
    opens_at: time | None
    closes_at: time | None
    description: str = ""


@dataclass
class ContactData:
    name: str = ""
    title: str = ""
    phone: str = ""
    email: str = ""
    internal: bool = False


@dataclass
class OfferData:
    """What a keeper enters. ``organization``: one of the region's organisations, an
    institution of the platform (its organisation, made if it has none) or the name of a new
    one."""

    name: str
    description: str
    organization: Organization | Institution | str
    needs: list[str]
    keeper: Institution | None = None
    languages: list[str] = field(default_factory=lambda: ["de"])
    places: list[PlaceData] = field(default_factory=list)
    schedules: list[ScheduleData] = field(default_factory=list)
    contacts: list[ContactData] = field(default_factory=list)
    url: str = ""
    email: str = ""
    phone: str = ""
    application_process: str = ""
    required_documents: str = ""
    eligibility: str = ""
    minimum_age: int | None = None
    maximum_age: int | None = None
    free_of_charge: bool = True
    fees: str = ""
    online: bool = False
    translations: dict[str, str] = field(default_factory=dict)


OFFER_FIELDS = (
    "name",
    "description",
    "url",
    "email",
    "phone",
    "application_process",
    "required_documents",
    "eligibility",
    "minimum_age",
    "maximum_age",
    "free_of_charge",
    "fees",
    "online",
)


def keeps_region(access: Access) -> bool:
    """Keeps the region's offers (those without a keeper): the coordinator, not staff."""
    return access.is_system or Reach.REGIONS in permission_named(KEEP).reach(access.role)


def may_keep(access: Access, offer: Offer) -> bool:
    return access.has(KEEP, offer) and (offer.keeper_id is not None or keeps_region(access))


def _check_keeper(access: Access, region: Region, keeper: Institution | None):
    if keeper is None:
        if not keeps_region(access):
            raise PermissionDenied(_("Only the coordinator keeps offers without a keeper."))
        return
    if keeper.region_id != region.pk:
        raise ValidationFailed({"keeper": _("Choose an institution of the region.")})
    if not access.has(KEEP, keeper):
        raise PermissionDenied(_("You keep only your own institution's offers."))


def create_offer(*, access: Access, region: Region, data: OfferData, today=None) -> Offer:
    with transaction.atomic(durable=True):
        offer = Offer(region=region)
        _save(access, offer, data, today or timezone.localdate())
    return offer


def update_offer(*, access: Access, offer: Offer, data: OfferData, today=None) -> Offer:
    if not may_keep(access, offer):
        raise PermissionDenied(_("You may not change this offer."))
    with transaction.atomic(durable=True):
        offer = Offer.objects.select_for_update().get(pk=offer.pk)
        _save(access, offer, data, today or timezone.localdate())
    return offer


def confirm_offer(*, access: Access, offer: Offer, today=None) -> Offer:
    """Still correct: checked today."""
    if not may_keep(access, offer):
        raise PermissionDenied(_("You may not confirm this offer."))
    with transaction.atomic(durable=True):
        offer.checked_on = today or timezone.localdate()
        offer.save(update_fields=["checked_on", "updated_at"])
    return offer


def set_status(*, access: Access, offer: Offer, status: str, today=None) -> Offer:
    """Pause (``inactive``), end (``defunct``) or resume (``active``) an offer: a check too."""
    if status not in Offer.Status.values:
        raise ValidationFailed({"status": _("Unknown status.")})
    if not may_keep(access, offer):
        raise PermissionDenied(_("You may not change this offer."))
    with transaction.atomic(durable=True):
        offer.status = status
        offer.checked_on = today or timezone.localdate()
        offer.save(update_fields=["status", "checked_on", "updated_at"])
    return offer


def _save(access: Access, offer: Offer, data: OfferData, today: date):
    region = offer.region
    _check_keeper(access, region, data.keeper)
    errors, points = check_offer(data)
    needs = list(Need.objects.filter(code__in=set(data.needs)))
    offer.organization = _organization(region, data.organization, errors)
    offer.keeper = data.keeper
    for name in OFFER_FIELDS:
        setattr(offer, name, getattr(data, name))
    # the German text is the default language's column too (modeltranslation)
    for name in TRANSLATED_FIELDS:
        setattr(offer, f"{name}_{settings.LANGUAGE_CODE}", getattr(data, name))
    for key in TRANSLATION_KEYS:
        setattr(offer, key, data.translations.get(key, "") or "")
    offer.checked_on = today
    _clean(offer, "", errors, exclude=["organization", "region"])
    if errors:
        raise ValidationFailed(errors)
    offer.save()
    offer.needs.set(needs)
    offer.languages.exclude(code__in=data.languages).delete()
    known = set(offer.languages.values_list("code", flat=True))
    OfferLanguage.objects.bulk_create(
        OfferLanguage(offer=offer, code=code)
        for code in dict.fromkeys(data.languages)
        if code not in known
    )
    _save_places(offer, data.places, points)
    # rows in the order the form shows them (the models' orderings)
    _sync(list(offer.schedules.all()), data.schedules, lambda: Schedule(offer=offer))
    _sync(list(offer.contacts.all()), data.contacts, lambda: Contact(offer=offer))


def check_offer(data: OfferData) -> tuple[dict, list]:
    """Every rule of an offer's data — for the staff form, the API and the HSDS import alike:
    the problems by field (named as the staff form names them, ``place_0_postcode``) and each
    place's coordinates (``places_points``)."""
    errors = _check(data)
    known = Need.objects.filter(code__in=set(data.needs)).count()
    if data.needs and known != len(set(data.needs)):
        errors.setdefault("needs", _("Choose needs of the list."))
    return errors, places_points(data.places, errors)


def _check(data: OfferData) -> dict:
    """The offer's rules that need no database."""
    errors = {}
    if not data.name.strip():
        errors["name"] = _("Enter the offer's name.")
    if not data.description.strip():
        errors["description"] = _("Say in a few words what is offered.")
    if not data.needs:
        errors["needs"] = _("Choose at least one need this offer helps with.")
    for name, rows in (
        ("places", data.places),
        ("schedules", data.schedules),
        ("contacts", data.contacts),
    ):
        if len(rows) > MAX_ROWS:
            errors[name] = _("At most %(number)s per offer.") % {"number": MAX_ROWS}
    unknown = [code for code in data.languages if code not in LANGUAGE_CODES]
    if unknown:
        errors["languages"] = _("Unknown language: %(codes)s") % {"codes": ", ".join(unknown)}
    elif not data.languages:
        errors["languages"] = _("Choose at least one language the offer is given in.")
    if not data.places and not data.online:
        errors["places"] = _(
            "Enter a place, or tick “also by phone or online” if it is reachable without one."
        )
    reachable = (
        data.phone.strip()
        or data.email.strip()
        or data.url.strip()
        or any(contact.phone.strip() or contact.email.strip() for contact in data.contacts)
    )
    if not reachable:
        errors["phone"] = _(
            "Give a way to reach the offer: a phone number, an e-mail address, a web page or a "
            "contact with phone or e-mail."
        )
    for age in ("minimum_age", "maximum_age"):
        value = getattr(data, age)
        if value is not None and not 0 <= value <= MAX_AGE:
            errors[age] = _("An age between 0 and %(max)d.") % {"max": MAX_AGE}
    if (
        "minimum_age" not in errors
        and "maximum_age" not in errors
        and data.minimum_age is not None
        and data.maximum_age is not None
        and data.minimum_age > data.maximum_age
    ):
        errors["maximum_age"] = _("The maximum age must not be below the minimum age.")
    unknown_keys = set(data.translations) - TRANSLATION_KEYS
    if unknown_keys:
        errors["translations"] = _("No such translated field: %(fields)s") % {
            "fields": ", ".join(sorted(unknown_keys))
        }
    for index, schedule in enumerate(data.schedules):
        prefix = f"schedule_{index}_"
        if schedule.opens_at is None:
            errors[prefix + "opens_at"] = _("Enter the opening time.")
        if schedule.closes_at is None:
            errors[prefix + "closes_at"] = _("Enter the closing time.")
        for name, message in schedule_rules.check(
            schedule.rrule, schedule.opens_at, schedule.closes_at
        ).items():
            errors[prefix + name] = message
    for index, contact in enumerate(data.contacts):
        if not (contact.name.strip() or contact.phone.strip() or contact.email.strip()):
            errors[f"contact_{index}_name"] = _("Give the contact a name, phone or e-mail.")
    return errors


def places_points(places: list[PlaceData], errors: dict) -> list:
    """Each place's coordinates: as given, else the centre of its postcode (one it does not
    know: a problem at ``place_<n>_postcode``)."""
    points = []
    for index, place in enumerate(places):
        if place.latitude is not None and place.longitude is not None:
            points.append(_decimals((place.latitude, place.longitude)))
            continue
        point = postcode_point(place.postcode) if len(place.postcode) == 5 else None
        if point is None:
            errors.setdefault(
                f"place_{index}_postcode",
                _("We do not know this postcode. Check it."),
            )
            points.append(None)
        else:
            points.append(_decimals(point))
    return points


def _decimals(point) -> tuple:
    """Coordinates as stored: five decimals (about a metre)."""
    return tuple(Decimal(f"{float(value):.5f}") for value in point)


def _organization(region: Region, chosen, errors: dict) -> Organization | None:
    if isinstance(chosen, Organization):
        if chosen.region_id != region.pk:
            errors["organization"] = _("Choose an organisation of the region.")
        return chosen
    if isinstance(chosen, Institution):
        if chosen.region_id != region.pk:
            errors["organization"] = _("Choose an institution of the region.")
            return None
        organization = Organization.objects.filter(region=region, institution=chosen).first()
        return organization or Organization.objects.create(
            region=region,
            institution=chosen,
            name=chosen.name,
            email=chosen.email,
            website=getattr(chosen, "website", "") or "",
        )
    name = (chosen or "").strip()
    if not name:
        errors["organization"] = _("Choose the organisation that offers this, or name a new one.")
        return None
    if len(name) > Organization._meta.get_field("name").max_length:
        errors["organization"] = _("At most 200 characters.")
        return None
    organization = Organization.objects.filter(region=region, name__iexact=name).first()
    return organization or Organization.objects.create(region=region, name=name)


def _clean(record, prefix: str, errors: dict, exclude=()):
    try:
        record.full_clean(exclude=[*exclude, "id"], validate_unique=False)
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            errors.setdefault(f"{prefix}{name}" if name != "__all__" else None, messages[0])


def _save_places(offer: Offer, places: list[PlaceData], points: list):
    """The offer's places, in the order entered; a place no other offer uses goes with it. A
    place other offers share too (an import brings them) is not changed: the offer gets a new
    one."""
    existing = list(offer.locations.all())
    users = dict(
        ServiceAtLocation.objects.filter(location__in=existing)
        .values("location")
        .annotate(offers=Count("pk"))
        .values_list("location", "offers")
    )
    errors = {}
    records = []
    for index, place in enumerate(places):
        own = index < len(existing) and users.get(existing[index].pk) == 1
        location = existing[index] if own else Location()
        location.organization = offer.organization
        for name in (
            "street",
            "postcode",
            "town",
            "name",
            "transportation",
            "step_free",
            "accessibility",
        ):
            setattr(location, name, getattr(place, name))
        location.latitude, location.longitude = points[index]
        _clean(location, f"place_{index}_", errors, exclude=["organization"])
        records.append(location)
    if errors:
        raise ValidationFailed(errors)
    for location in records:
        location.save()
    offer.locations.set(records)
    for location in existing[len(records) :]:
        if not location.offers.exists():
            location.delete()


def _sync(existing: list, rows: list, make):
    """Rows of a record (schedules, contacts) in the order entered: the first ones updated,
    more created, the rest deleted."""
    prefix = "schedule_" if isinstance(make(), Schedule) else "contact_"
    errors = {}
    records = []
    for index, row in enumerate(rows):
        record = existing[index] if index < len(existing) else make()
        for name, value in vars(row).items():
            setattr(record, name, value.strip() if isinstance(value, str) else value)
        _clean(record, f"{prefix}{index}_", errors, exclude=["offer", "location"])
        records.append(record)
    if errors:
        raise ValidationFailed(errors)
    for record in records:
        record.save()
    for record in existing[len(records) :]:
        record.delete()


def upload_hsds(*, region, upload, user, language: str, check_only: bool = False) -> HsdsImport:
    """Keep the uploaded file (already within its limits) and queue its check and import."""
    from .tasks import import_hsds

    with transaction.atomic(durable=True):
        record = HsdsImport.objects.create(
            region=region,
            filename=upload.name[:200],
            content=upload.read(),
            check_only=check_only,
            uploaded_by=user,
            language=language,
        )
        transaction.on_commit(lambda: import_hsds.enqueue(import_id=record.pk))
    return record


# §4: the Jugendamt's childcare information (read in ``childcare.py``)


def postcodes_of(text: str, *, region, youth_office) -> list[str]:
    """The postcodes in ``text`` (separated by spaces, commas or lines), checked: five digits,
    known, and in no other district of the region."""
    codes = sorted(set((text or "").replace(",", " ").replace(";", " ").split()))
    if not codes:
        raise ValidationFailed({"postcodes": _("Enter the postcodes of the district.")})
    wrong = [code for code in codes if not POSTCODE.fullmatch(code)]
    if wrong:
        raise ValidationFailed(
            {
                "postcodes": _("Not a postcode of five digits: %(codes)s")
                % {"codes": ", ".join(wrong)}
            }
        )
    unknown = [code for code in codes if postcode_point(code) is None]
    if unknown:
        raise ValidationFailed(
            {
                "postcodes": _("We do not know these postcodes: %(codes)s")
                % {"codes": ", ".join(unknown)}
            }
        )
    others = ChildcareDistrict.objects.filter(youth_office__region=region).exclude(
        youth_office=youth_office
    )
    for other in others.select_related("youth_office"):
        taken = sorted(set(codes) & set(other.postcode_list))
        if taken:
            raise ValidationFailed(
                {
                    "postcodes": _("%(codes)s already belong to the district of %(office)s.")
                    % {"codes": ", ".join(taken), "office": other.youth_office.name}
                }
            )
    return codes


def _check_contacts(contacts: list[dict]) -> None:
    for number, contact in enumerate(contacts, start=1):
        if not (contact.get("phone") or contact.get("email") or contact.get("internal_phone")):
            raise ValidationFailed(
                {
                    "contacts": _("Contact %(number)s: give a phone number or an e-mail address.")
                    % {"number": number}
                }
            )


def keep_childcare(
    *,
    access: Access,
    youth_office: Institution,
    postcodes: str,
    how_to_apply: str = "",
    portal_url: str = "",
    short_notice: str = "",
    extended_hours: str = "",
    contacts: list[dict] | None = None,
    vacancies: list[dict] | None = None,
    today: date | None = None,
) -> ChildcareDistrict:
    """Keep the Jugendamt's childcare information: the district's postcodes and texts, and (when
    given) its contacts and the family centres' free places, each list replacing the former."""
    if youth_office.kind != Institution.Kind.YOUTH_WELFARE_OFFICE:
        raise ValidationFailed({"youth_office": _("Only a Jugendamt keeps childcare information.")})
    if not access.has(KEEP_CHILDCARE, youth_office):
        raise PermissionDenied(_("Your account may not do this."))
    if contacts is not None:
        _check_contacts(contacts)
    for vacancy in vacancies or []:
        centre = vacancy["centre"]
        if (
            centre.kind != Institution.Kind.FAMILY_CENTRE
            or centre.region_id != youth_office.region_id
        ):
            raise ValidationFailed(
                {"vacancies": _("%(name)s is no family centre of this region.") % {"name": centre}}
            )
    today = today or timezone.localdate()
    with transaction.atomic(durable=True):
        Region.objects.select_for_update().get(pk=youth_office.region_id)  # one keeper at a time
        codes = postcodes_of(postcodes, region=youth_office.region, youth_office=youth_office)
        district, _created = ChildcareDistrict.objects.select_for_update().update_or_create(
            youth_office=youth_office,
            defaults={
                "postcodes": " ".join(codes),
                "how_to_apply": how_to_apply,
                "portal_url": portal_url,
                "short_notice": short_notice,
                "extended_hours": extended_hours,
                "checked_on": today,
            },
        )
        if contacts is not None:
            district.contacts.all().delete()
            ChildcareContact.objects.bulk_create(
                ChildcareContact(district=district, **contact) for contact in contacts
            )
        if vacancies is not None:
            kept = {row.centre_id: row for row in district.vacancies.all()}
            district.vacancies.all().delete()
            ChildcareVacancy.objects.bulk_create(
                ChildcareVacancy(
                    district=district,
                    centre=vacancy["centre"],
                    places=vacancy["places"],
                    ages=vacancy.get("ages", ""),
                    reported_on=_reported_on(kept.get(vacancy["centre"].pk), vacancy, today),
                )
                for vacancy in {v["centre"].pk: v for v in vacancies}.values()
            )
    return district


def _reported_on(former, vacancy, today):
    """A free place keeps its date while its number and ages stay the same."""
    if former and former.places == vacancy["places"] and former.ages == vacancy.get("ages", ""):
        return former.reported_on
    return today
