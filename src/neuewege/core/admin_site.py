"""The Django admin's site (``core.apps.AdminConfig``): behind the second factor, with the
operator's pages of the privacy registry and the table of permissions."""

from django.conf import settings
from django.contrib import admin
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AdminSite(admin.AdminSite):
    """Only a session that has passed its second factor reaches the admin (admin accounts must
    use one; the middleware sends them to the code step first)."""

    index_template = "admin/neuewege_index.html"

    def has_permission(self, request):
        return super().has_permission(request) and request.user.is_verified()

    def get_urls(self):
        return [
            path("privacy/", self.admin_view(self.privacy_view), name="privacy-registry"),
            path("permissions/", self.admin_view(self.permissions_view), name="permissions"),
            *super().get_urls(),
        ]

    def privacy_view(self, request):
        """Every data category: its legal basis, retention, the rows due now, the last purge."""
        from .models import JobRun
        from .privacy import CATEGORIES, purge_personal_data

        now = timezone.now()
        rows = [
            {"category": category, "due": category.due(now).count()}
            for category in CATEGORIES.values()
        ]
        context = {
            **self.each_context(request),
            "title": _("Personal data: categories, retention and purge"),
            "rows": rows,
            "last_purge": JobRun.objects.filter(job=purge_personal_data.__name__).first(),
            "archive_dir": settings.PURGE_ARCHIVE_DIR,
        }
        return TemplateResponse(request, "admin/privacy_registry.html", context)

    def permissions_view(self, request):
        """The table of permissions (``core.access``): what each role reaches with each one."""
        from .access import PERMISSIONS, ROLES, Reach

        reaches = {
            Reach.REGIONS: _("its regions"),
            Reach.INSTITUTION: _("its own institution"),
            Reach.PROGRAMME: _("the programme's records"),
        }

        def reach_text(reach):
            return ", ".join(str(text) for flag, text in reaches.items() if flag in reach)

        rows = [
            {
                "permission": permission,
                "cells": [
                    _("everyone") if permission.public else reach_text(permission.reach(role))
                    for role in ROLES
                ],
            }
            for permission in sorted(PERMISSIONS.values(), key=lambda item: item.name)
        ]
        context = {
            **self.each_context(request),
            "title": _("Roles and permissions"),
            "roles": [role.label for role in ROLES],
            "rows": rows,
        }
        return TemplateResponse(request, "admin/permissions.html", context)
