from django.conf import settings

from .access import access_for
from .middleware import second_factor_step


def shell(request):
    """What the page shell needs: the account's regions for navigation, the map switch and
    the languages of staff pages."""
    user = getattr(request, "user", None)
    access = access_for(user)
    return {
        "access": access,
        # a signed-in session still owing its second factor sees no menu (asked only then)
        "owes_second_factor": lambda: user is not None and second_factor_step(user) is not None,
        "map_tiles_url": settings.MAP_TILES_URL,
        "map_attribution": settings.MAP_ATTRIBUTION,
        "staff_languages": settings.STAFF_LANGUAGES,
    }
