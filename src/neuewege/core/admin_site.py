"""The Django admin's site (``core.apps.AdminConfig``): behind the second factor."""

from django.contrib import admin


class AdminSite(admin.AdminSite):
    """Only a session that has passed its second factor reaches the admin (admin accounts must
    use one; the middleware sends them to the code step first)."""

    def has_permission(self, request):
        return super().has_permission(request) and request.user.is_verified()
