from django.conf import settings

from .access import access_for


def shell(request):
    """What the page shell needs: the account's regions for navigation, the map switch and
    the languages of staff pages."""
    # the view's own (AccessMixin), so that the account's regions are read once per page
    access = getattr(request, "access", None) or access_for(getattr(request, "user", None))
    return {
        "access": access,
        # a session still owing its second factor sees no menu (core.middleware)
        "owes_second_factor": getattr(request, "owes_second_factor", False),
        "map_tiles_url": settings.MAP_TILES_URL,
        "map_attribution": settings.MAP_ATTRIBUTION,
        "staff_languages": settings.STAFF_LANGUAGES,
    }
