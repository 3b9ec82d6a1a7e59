"""The one access policy of Neue Wege: who may see and do what, by role and region.

Every staff view (through ``views.AccessMixin``), every API route (through ``api_access``) and
every selector starts here. Roles:

- ``state``: reads every region (master data and aggregates; never parents' personal data),
  manages nothing inside a region.
- ``coordinator``: reads and changes everything in their regions, imports, manages accounts,
  reads the audit log.
- ``staff``: reads their institution's region, changes their own institution and its people.
- ``viewer``: reads their regions.
Superusers use the Django admin; in the staff UI they act like the state level.
"""

from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property

from django.db.models import Q

from .models import Institution, Person, Region, User


class Action(StrEnum):
    VIEW = "view"
    CHANGE = "change"
    DELETE = "delete"
    IMPORT = "import"
    MANAGE_ACCOUNTS = "manage_accounts"
    VIEW_AUDIT = "view_audit"


@dataclass(frozen=True)
class Access:
    user: User | None
    is_system: bool = False

    @property
    def is_authenticated(self):
        return self.is_system or bool(
            self.user and self.user.is_authenticated and self.user.is_active
        )

    @property
    def sees_all_regions(self):
        return self.is_system or (
            self.is_authenticated and (self.user.is_superuser or self.user.role == User.Role.STATE)
        )

    @cached_property
    def regions_by_key(self) -> dict[str, Region]:
        """The regions this account works in (for state level: all of them), in one query."""
        if not self.is_authenticated:
            return {}
        if self.sees_all_regions:
            regions = Region.objects.all()
        elif self.user.role == User.Role.STAFF:
            regions = Region.objects.filter(institutions__people__account=self.user)
        else:
            regions = self.user.regions.all()
        return {region.key: region for region in regions}

    @cached_property
    def region_ids(self) -> frozenset[int]:
        return frozenset(region.id for region in self.regions_by_key.values())

    @cached_property
    def own_institution_id(self):
        person = self.user.person if self.is_authenticated and self.user else None
        return person.institution_id if person else None

    def can(self, action: Action, region: Region | int, institution: Institution | None = None):
        """May this account do ``action`` in ``region`` (and, for staff, on ``institution``)?"""
        if self.is_system:
            return True
        region_id = region if isinstance(region, int) else region.id
        if region_id not in self.region_ids:
            return False
        if action == Action.VIEW:
            return True
        role = self.user.role
        if role == User.Role.COORDINATOR:
            return True  # every action in their regions
        if role == User.Role.STAFF:
            return (
                action == Action.CHANGE
                and institution is not None
                and institution.id == self.own_institution_id
            )
        return False

    def can_change_institution(self, institution: Institution):
        return self.can(Action.CHANGE, institution.region_id, institution)

    def can_change_person(self, person: Person):
        return self.can(Action.CHANGE, person.institution.region_id, person.institution)

    def changeable_institutions(self, region: Region):
        """Institutions of ``region`` whose records (and people) this account may change."""
        institutions = Institution.objects.filter(region=region)
        if self.can(Action.IMPORT, region):
            return institutions
        if self.user is not None and self.user.role == User.Role.STAFF:
            return institutions.filter(pk=self.own_institution_id, region_id__in=self.region_ids)
        return institutions.none()

    @cached_property
    def own_person_id(self):
        return self.user.person_id if self.is_authenticated and self.user else None

    @property
    def can_edit_catalogue(self):
        """The catalogues of the programme (event formats) belong to the state level."""
        return self.is_system or (
            self.is_authenticated and (self.user.is_superuser or self.user.role == User.Role.STATE)
        )

    def can_plan_events(self, family_centre: Institution):
        """Events of a family centre are planned by its staff and the region's coordinator."""
        return family_centre.kind == Institution.Kind.FAMILY_CENTRE and self.can(
            Action.CHANGE, family_centre.region_id, family_centre
        )

    def can_see_contacts(self, event):
        """Parents' contact data: only the family centre and the region's coordinator."""
        return self.can_plan_events(event.family_centre)

    def can_record_attendance(self, event, speaker_ids):
        """Attendance (first names only): also the event's speakers."""
        return self.can_see_contacts(event) or (
            self.own_person_id is not None
            and self.own_person_id in speaker_ids
            and event.family_centre.region_id in self.region_ids
        )

    def can_see_cooperation(self, region: Region | int):
        """Regionen-Check, action plan, steering group and minutes: the people of the region.
        The state level sees a region's figures, not these records."""
        return self.is_system or (not self.sees_all_regions and self.can(Action.VIEW, region))

    def can_read_free_texts(self, region: Region | int):
        """What parents wrote in the follow-up survey stays with the people of their region:
        never the state level."""
        return self.can_see_cooperation(region)

    def can_manage_cooperation(self, region: Region | int):
        """The region's coordinator runs the Check, the action plan and the steering group."""
        return self.can(Action.CHANGE, region)

    def can_update_task(self, task):
        """The coordinator, and the person a task is given to (its status and notes)."""
        return self.can_manage_cooperation(task.region_id) or (
            self.can_see_cooperation(task.region_id)
            and task.owner_id is not None
            and task.owner_id == self.own_person_id
        )

    def can_see_materials(self, region: Region | None):
        """The programme's materials (``region`` None): every account; a region's: its people."""
        return self.is_authenticated if region is None else self.can_see_cooperation(region)

    def can_manage_materials(self, region: Region | None):
        """The programme's materials: the state level; a region's: its coordinator."""
        return self.can_edit_catalogue if region is None else self.can_manage_cooperation(region)

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

    def can_require_second_factor(self, region: Region):
        """The region's coordinator decides for all its accounts (the state level manages
        nothing inside a region)."""
        return self.can(Action.MANAGE_ACCOUNTS, region)

    def can_reset_second_factor(self, account: User):
        """A lost phone: the coordinator resets the factor of an account they manage."""
        return self.accounts().filter(pk=account.pk).exists()

    def assignable_roles(self):
        """Roles a coordinator may give to accounts in their regions."""
        if self.user is not None and self.user.role == User.Role.COORDINATOR:
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
        if self.user is None or self.user.role != User.Role.COORDINATOR:
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
    return Access(user)


def system_access() -> Access:
    """Full access for command-line tools run by the operator (imports, demo data)."""
    return Access(None, is_system=True)
