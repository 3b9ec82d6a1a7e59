"""Every read of master data, scoped through the access policy."""

from datetime import timedelta

from auditlog.models import LogEntry
from django.db.models import Count
from django.utils import timezone

from .access import Access
from .models import Institution, Region


def institutions(access: Access, *, region: Region | None = None):
    """The institutions the account sees (of ``region``, if given), by name. Lists filter
    them with ``filters.InstitutionFilter``."""
    institutions = access.institutions().select_related("region")
    if region is not None:
        institutions = institutions.filter(region=region)
    return institutions.order_by("name", "id")


# What a list of institutions shows (core/institution_list.html), and all it reads of each.
LISTED_INSTITUTION_FIELDS = ("id", "region", "kind", "name", "postcode", "town")


def institution_rows(access: Access, *, region: Region):
    """The institutions of ``region`` for a list page: those of ``institutions()``, each with
    only the fields the list shows (no join, no columns it does not show)."""
    return institutions(access, region=region).select_related(None).only(*LISTED_INSTITUTION_FIELDS)


def institution_detail(access: Access, pk: int):
    return (
        access.institutions()
        .select_related("region", "youth_welfare_office")
        .prefetch_related("opening_periods", "network_members", "people")
        .get(pk=pk)
    )


def people(access: Access, *, region: Region | None = None):
    """The people the account sees (of ``region``, if given), by name. Lists filter them with
    ``filters.PersonFilter``."""
    people = access.people().select_related("institution", "institution__region")
    if region is not None:
        people = people.filter(institution__region=region)
    return people.order_by("last_name", "first_name", "id")


def institution_counts_by_kind(region: Region):
    counts = dict(
        region.institutions.values_list("kind").annotate(n=Count("id")).values_list("kind", "n")
    )
    return [(kind, label, counts.get(kind, 0)) for kind, label in Institution.Kind.choices]


def certifications_expiring(region: Region, *, within=timedelta(days=183)):
    """Family centres whose Gütesiegel ends within ``within`` (or has ended): time to renew."""
    today = timezone.localdate()
    return (
        region.institutions.family_centres()
        .filter(certified_until__lte=today + within)
        .order_by("certified_until")
    )


def region_audit_log(region: Region):
    return (
        LogEntry.objects.filter(additional_data__region=region.id)
        .select_related("actor", "content_type")
        .order_by("-timestamp")
    )
