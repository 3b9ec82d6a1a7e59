from django.conf import settings

from .access import access_for


def shell(request):
    """What the page shell needs: the account's regions for navigation, the map switch and
    the languages of staff pages."""
    access = access_for(getattr(request, "user", None))
    return {
        "access": access,
        "map_tiles_url": settings.MAP_TILES_URL,
        "map_attribution": settings.MAP_ATTRIBUTION,
        "staff_languages": settings.STAFF_LANGUAGES,
    }
