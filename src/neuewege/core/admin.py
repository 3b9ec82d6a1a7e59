"""The Django admin, for superusers (operators). Staff work in the application itself."""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import models
from django.utils.translation import gettext_lazy as _

from .models import (
    ApiToken,
    BarrierReport,
    ImportBatch,
    Institution,
    JobRun,
    NetworkMember,
    OpeningPeriod,
    Person,
    RecoveryCodeDevice,
    Region,
    User,
)


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["key", "name", "kind", "administrative_district", "phase"]
    list_filter = ["kind", "administrative_district", "phase"]
    search_fields = ["key", "name"]


class OpeningPeriodInline(admin.TabularInline):
    model = OpeningPeriod
    extra = 0


class NetworkMemberInline(admin.TabularInline):
    model = NetworkMember
    extra = 0


class InstitutionAdminForm(forms.ModelForm):
    def clean(self):
        data = super().clean()
        served = data.get("also_serves")
        if served and data.get("kind") != Institution.Kind.EMPLOYMENT_AGENCY:
            self.add_error("also_serves", _("Only an Agentur für Arbeit serves further regions."))
        elif served and data.get("region") in served:
            self.add_error("also_serves", _("Its own region is not a further region."))
        return data


@admin.register(Institution)
class InstitutionAdmin(admin.ModelAdmin):
    form = InstitutionAdminForm
    list_display = ["name", "kind", "region", "postcode", "town"]
    list_filter = ["kind", "region"]
    search_fields = ["name", "town", "postcode", "external_id"]
    list_select_related = ["region"]
    raw_id_fields = ["youth_welfare_office"]
    filter_horizontal = ["also_serves"]  # an agency's district: reference data, like regions
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    inlines = [OpeningPeriodInline, NetworkMemberInline]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["last_name", "first_name", "function", "institution", "email"]
    list_filter = ["function", "institution__region"]
    search_fields = ["last_name", "first_name", "email", "institution__name"]
    list_select_related = ["institution"]
    raw_id_fields = ["institution"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "role", "is_active", "is_superuser"]
    list_filter = ["role", "is_active", "is_superuser"]
    search_fields = ["email", "first_name", "last_name"]
    raw_id_fields = ["person"]
    filter_horizontal = ["regions"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Person"), {"fields": ["first_name", "last_name", "person"]}),
        (
            _("Access"),
            {
                "fields": [
                    "role",
                    "regions",
                    "signs_agreements",
                    "is_active",
                    "is_staff",
                    "is_superuser",
                ]
            },
        ),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"fields": ["email", "password1", "password2", "role"]})]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["prefix", "digest", "created_at", "last_used_at"]


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = ["filename", "kind", "region", "uploaded_by", "created_at", "applied_at"]
    exclude = ["content"]


@admin.register(JobRun)
class JobRunAdmin(admin.ModelAdmin):
    """The record of the due jobs' runs, for the operator: read only."""

    list_display = ["job", "started_at", "finished_at", "succeeded", "result"]
    list_filter = ["job", "succeeded"]
    readonly_fields = ["job", "started_at", "finished_at", "succeeded", "result", "error"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(RecoveryCodeDevice)
class RecoveryCodeDeviceAdmin(admin.ModelAdmin):
    """Only digests are stored: an operator can see that codes exist and delete them."""

    list_display = ["user", "created_at", "last_used_at"]
    fields = ["user", "name", "created_at", "last_used_at"]
    readonly_fields = fields


@admin.register(BarrierReport)
class BarrierReportAdmin(admin.ModelAdmin):
    list_display = ["created_at", "page_url", "contact"]
    readonly_fields = ["created_at"]
