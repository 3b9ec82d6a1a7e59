"""The one access policy of Neue Wege: who may see and do what, by role and region.

Every staff page (``views.base.AccessMixin`` with its ``permission``), every API route
(``api_types.permitted``), every service, selector, menu entry, exporter and template
(``{% allowed %}``) asks the same question: ``access.has(permission, record)``.

**Permissions** are named (``events.plan``, ``cooperation.manage`` …) and declared with
``declare`` — core's below, each app's in its ``permissions.py`` — into one table of roles and
permissions (``PERMISSIONS``; the operator's page and the permission matrix test read it). A
permission grants each role a **reach**:

- ``REGIONS``: records of the account's regions (for the state level: every region);
- ``INSTITUTION``: only records of the account's own institution (staff);
- ``PROGRAMME``: records of no region (the programme's catalogue and materials, the state's
  figures).

``applies`` narrows a permission to institutions with some field values (events are planned in
family centres: ``{"kind": "family_centre"}``); ``also`` grants it beyond the table to a named
person of the record (the speakers of an event, the owner of a task). A record's place in the
policy is its region (``region_id``; None: of no region), or what its ``access_place()``
returns: the institution (or region) it belongs to.

Roles: ``state`` reads every region (master data and aggregates; never parents' personal data)
and keeps the programme's catalogue; ``coordinator`` reads and changes everything in their
regions; ``staff`` reads their institution's region and changes their own institution;
``viewer`` reads their regions. Superusers act like the state level; command-line tools run with
``system_access()``, which may do everything.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import Flag, auto
from functools import cached_property
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q
from django.utils.functional import LazyObject, empty
from django.utils.translation import gettext_lazy as _

from .models import Institution, Person, Region, User


class Reach(Flag):
    NONE = 0
    PROGRAMME = auto()
    REGIONS = auto()
    INSTITUTION = auto()


ROLES = tuple(User.Role)


@dataclass(frozen=True)
class Permission:
    name: str
    label: Any  # a (lazy) text for the operator's table
    grants: Mapping[str, Reach] = field(default_factory=dict)  # role → reach
    public: bool = False  # no account needed
    applies: Mapping[str, Any] | None = None  # field values the institution must have
    also: Callable[["Access", Any], bool] | None = None

    def reach(self, role: str) -> Reach:
        return self.grants.get(role, Reach.NONE)

    def applies_to(self, institution: Institution) -> bool:
        wanted = self.applies or {}
        return all(getattr(institution, key) == value for key, value in wanted.items())


PERMISSIONS: dict[str, Permission] = {}


class UnknownPermission(ImproperlyConfigured):
    pass


def declare(
    name: str,
    label,
    *,
    public: bool = False,
    applies: Mapping[str, Any] | None = None,
    also: Callable[["Access", Any], bool] | None = None,
    **grants: Reach,
) -> str:
    """Declare a permission (``app.verb``) and what each role (``state=``, ``coordinator=``,
    ``staff=``, ``viewer=``) reaches with it. Returns the name, for the app's constants."""
    unknown = set(grants) - {role.value for role in ROLES}
    if unknown:
        raise ImproperlyConfigured(f"Permission {name!r}: no such role {sorted(unknown)}.")
    permission = Permission(name, label, grants, public, applies, also)
    if PERMISSIONS.get(name, permission) != permission:
        raise ImproperlyConfigured(f"Permission {name!r} is declared twice.")
    PERMISSIONS[name] = permission
    return name


def permission_named(name: str) -> Permission:
    try:
        return PERMISSIONS[name]
    except KeyError:
        raise UnknownPermission(
            f"Unknown permission {name!r}: declare it with core.access.declare "
            f"(known: {', '.join(sorted(PERMISSIONS))})."
        ) from None


@dataclass(frozen=True)
class Place:
    """Where a record belongs in the policy: its region (None: of no region) and institution."""

    region_id: int | None
    institution: Institution | None = None


def place_of(record) -> Place:
    if record is None:
        return Place(None)
    if isinstance(record, int):
        return Place(record)
    if isinstance(record, Region):
        return Place(record.id)
    if isinstance(record, Institution):
        return Place(record.region_id, record)
    locate = getattr(record, "access_place", None)
    if locate is not None:
        return place_of(locate())
    if hasattr(record, "region_id"):  # a record of a region (or of none: the programme's)
        return Place(record.region_id)
    raise ImproperlyConfigured(
        f"{type(record).__name__} names no place in the access policy: give it a region or an "
        "access_place() that returns its institution, region or region id."
    )


def allow(permission: str):
    """Name the permission of a view that applies it itself — a public page (its own rules
    inside: a token, a form), a view of Django's that requires signing in. Staff pages apply
    theirs through ``views.base.AccessMixin``."""

    def declare_on(view):
        view.permission = permission
        return view

    return declare_on


def public(view):
    return allow(PUBLIC)(view)


def declared_permission(view) -> str | None:
    """The permission a view (function or class-based) declares, if any."""
    view_class = getattr(view, "view_class", None)
    return getattr(view, "permission", None) or getattr(view_class, "permission", None)


REGIONS, OWN_INSTITUTION, PROGRAMME = Reach.REGIONS, Reach.INSTITUTION, Reach.PROGRAMME
EVERY_ROLE = {role.value: REGIONS | PROGRAMME for role in ROLES}

# Core's part of the table. The pseudo-permissions "public" and "signed_in" are declared here
# too, so that every page names one.
PUBLIC = declare("public", _("Everyone, without an account"), public=True)
SIGNED_IN = declare("signed_in", _("Every signed-in account"), **EVERY_ROLE)
# the steps of signing in (the second factor): the page sends an account on to its next step
SIGN_IN_STEP = declare("sign_in_step", _("An account while it signs in"), **EVERY_ROLE)
VIEW = declare(
    "core.view",
    _("See the region: institutions, people, events"),
    state=REGIONS,
    coordinator=REGIONS,
    staff=REGIONS,
    viewer=REGIONS,
)
CHANGE = declare(
    "core.change",
    _("Change institutions and their people"),
    coordinator=REGIONS,
    staff=OWN_INSTITUTION,
)
DELETE = declare("core.delete", _("Delete institutions"), coordinator=REGIONS)
IMPORT = declare("core.import", _("Create and import institutions and people"), coordinator=REGIONS)
MANAGE_ACCOUNTS = declare(
    "core.manage_accounts", _("Manage accounts and their second factor"), coordinator=REGIONS
)
VIEW_AUDIT = declare("core.view_audit", _("Read the change log"), coordinator=REGIONS)
PARENT_DATA = declare(
    "core.parent_data", _("Find, copy and erase a parent's data (DSGVO)"), coordinator=REGIONS
)
CATALOGUE = declare("core.catalogue", _("Keep the programme's catalogues"), state=PROGRAMME)
STATE_FIGURES = declare("core.state_figures", _("See the figures of every region"), state=PROGRAMME)


@dataclass(frozen=True)
class Access:
    user: User | None
    is_system: bool = False

    @property
    def is_authenticated(self):
        return self.is_system or bool(
            self.user and self.user.is_authenticated and self.user.is_active
        )

    @cached_property
    def role(self) -> str | None:
        if not self.is_authenticated or self.is_system:
            return None
        return User.Role.STATE if self.user.is_superuser else self.user.role

    @property
    def sees_all_regions(self):
        return self.is_system or self.role == User.Role.STATE

    @cached_property
    def regions_by_key(self) -> dict[str, Region]:
        """The regions this account works in (for state level: all of them), in one query."""
        if not self.is_authenticated:
            return {}
        if self.sees_all_regions:
            regions = Region.objects.all()
        elif self.user.role == User.Role.STAFF:  # their institution's region and district
            serves = Institution.also_serves.through.objects.filter(
                institution__people__account=self.user
            )
            regions = Region.objects.filter(
                Q(institutions__people__account=self.user) | Q(pk__in=serves.values("region_id"))
            )
        else:
            regions = self.user.regions.all()
        return {region.key: region for region in regions}

    @cached_property
    def region_ids(self) -> frozenset[int]:
        return frozenset(region.id for region in self.regions_by_key.values())

    @cached_property
    def own_institution(self) -> Institution | None:
        """The institution of the account's person, in one query (None: no person)."""
        if self.own_person_id is None:
            return None
        return Institution.objects.filter(people__pk=self.own_person_id).first()

    @property
    def own_institution_id(self):
        return self.own_institution.id if self.own_institution else None

    @cached_property
    def own_person_id(self):
        return self.user.person_id if self.is_authenticated and self.user else None

    def has(self, permission: str, record=None) -> bool:
        """May this account use ``permission`` on ``record`` (an institution, a region, a
        region id, any record with ``access_place``; None: something of no region)?"""
        declared = permission_named(permission)
        if declared.public or self.is_system:
            return True
        if not self.is_authenticated:
            return False
        return self._reaches(declared, place_of(record)) or bool(
            declared.also and declared.also(self, record)
        )

    def _reaches(self, permission: Permission, place: Place) -> bool:
        reach = permission.reach(self.role)
        if place.region_id is None:
            return Reach.PROGRAMME in reach
        if place.region_id not in self.region_ids:
            return False
        applies = permission.applies_to
        if Reach.REGIONS in reach:
            return place.institution is None or applies(place.institution)
        if Reach.INSTITUTION in reach:
            own = self.own_institution
            # a page of the region (no institution named): the account's own one in it
            return (
                own is not None
                and own.region_id == place.region_id
                and (place.institution is None or place.institution.id == own.id)
                and applies(own)
            )
        return False

    def institutions_for(self, permission: str, region: Region):
        """Institutions of ``region`` on which this account has ``permission``."""
        declared = permission_named(permission)
        institutions = Institution.objects.filter(region=region)
        if not self.has(permission, region):
            return institutions.none()
        if not self.is_system and Reach.REGIONS not in declared.reach(self.role):
            institutions = institutions.filter(pk=self.own_institution_id)
        return institutions.filter(**(declared.applies or {}))

    def manages_account(self, account: User) -> bool:
        """A coordinator manages (invites, changes, resets the second factor of) the accounts of
        ``accounts()``."""
        return self.accounts().filter(pk=account.pk).exists()

    @cached_property
    def must_use_second_factor(self):
        """Who signs in with a second factor: the state level and coordinators (they see or
        manage a whole region, or all of them), accounts with the Django admin, and every account
        of a region whose coordinator requires it. For the others it is their choice."""
        if not self.is_authenticated or self.is_system:
            return False
        user = self.user
        if user.is_superuser or user.is_staff:
            return True
        if user.role in (User.Role.STATE, User.Role.COORDINATOR):
            return True
        return any(region.second_factor_required for region in self.regions_by_key.values())

    def assignable_roles(self):
        """Roles a coordinator may give to accounts in their regions."""
        if self.role == User.Role.COORDINATOR:
            return [User.Role.COORDINATOR, User.Role.STAFF, User.Role.VIEWER]
        return []

    # Querysets scoped to what this account may see. Selectors start from these.
    def regions(self):
        if self.sees_all_regions:
            return Region.objects.all()
        return Region.objects.filter(id__in=self.region_ids)

    def institutions(self):
        if self.sees_all_regions:
            return Institution.objects.all()
        return Institution.objects.filter(region_id__in=self.region_ids)

    def people(self):
        if self.sees_all_regions:
            return Person.objects.all()
        return Person.objects.filter(institution__region_id__in=self.region_ids)

    def accounts(self):
        """Accounts a coordinator manages: staff through their person's institution, others
        through their regions — but none that also works in a region the coordinator does not
        coordinate (that account is managed together with that region's coordinator)."""
        if self.role != User.Role.COORDINATOR:
            return User.objects.none()
        ids = self.region_ids
        in_regions = Q(person__institution__region_id__in=ids) | Q(regions__id__in=ids)
        outside = Region.objects.exclude(id__in=ids)
        return (
            User.objects.filter(in_regions, is_superuser=False)
            .exclude(role=User.Role.STATE)
            .exclude(regions__in=outside)
            .distinct()
        )


def access_for(user) -> Access:
    # ``request.user`` is a lazy object: once it has been read (a page checks it first), the
    # account itself, so that the many questions of a page (its menus ask one per entry) do
    # not each go through the lazy object. One not yet read stays lazy (read when asked).
    if isinstance(user, LazyObject) and user._wrapped is not empty:
        user = user._wrapped
    return Access(user)


def system_access() -> Access:
    """Full access for command-line tools run by the operator (imports, demo data)."""
    return Access(None, is_system=True)
