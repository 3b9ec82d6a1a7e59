"""The Django admin's site (``core.apps.AdminConfig``): behind the second factor, with the
operator's page of the privacy registry."""

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
