"""Every read of master data, scoped through the access policy."""

from datetime import timedelta

from auditlog.models import LogEntry
from django.db.models import Count, Q
from django.utils import timezone

from .access import Access
from .models import Institution, Region


def search_institutions(
    access: Access, *, region: Region | None = None, kind: str = "", query: str = ""
):
    institutions = access.institutions().select_related("region")
    if region is not None:
        institutions = institutions.filter(region=region)
    if kind:
        institutions = institutions.filter(kind=kind)
    query = query.strip()
    if query:
        condition = Q(name__icontains=query) | Q(town__icontains=query)
        if query.isdigit():
            condition |= Q(postcode__startswith=query)
        institutions = institutions.filter(condition)
    return institutions.order_by("name", "id")


def institution_detail(access: Access, pk: int):
    return (
        access.institutions()
        .select_related("region", "youth_welfare_office")
        .prefetch_related("opening_periods", "network_members", "people")
        .get(pk=pk)
    )


def search_people(
    access: Access,
    *,
    region: Region | None = None,
    function: str = "",
    query: str = "",
    institution_id: int | None = None,
):
    people = access.people().select_related("institution", "institution__region")
    if region is not None:
        people = people.filter(institution__region=region)
    if function:
        people = people.filter(function=function)
    if institution_id:
        people = people.filter(institution_id=institution_id)
    query = query.strip()
    if query:
        people = people.filter(
            Q(last_name__icontains=query)
            | Q(first_name__icontains=query)
            | Q(email__icontains=query)
            | Q(institution__name__icontains=query)
        )
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
