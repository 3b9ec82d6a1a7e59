"""Links worked out once per process: what a page name with the same arguments reverses to
cannot change while the process runs (the URL patterns are fixed at start-up), so the result is
kept, per URLconf, script prefix and language. The ``{% url %}`` tag of every template
(templatetags/remembered_urls.py) and the navigation (navigation.py) reverse through it: a page
reverses some twenty to forty links (menus, footer, rows of a list), and each one through the
URL patterns costs more than the rest of its line of the layout."""

from functools import lru_cache

from django.urls import get_script_prefix, get_urlconf
from django.urls import reverse as django_reverse
from django.utils.translation import get_language


@lru_cache(maxsize=4096)
def remembered_reverse(view_name, args, kwargs, current_app, urlconf, prefix, language):
    return django_reverse(view_name, urlconf, args, dict(kwargs), current_app)


def reverse(view_name: str, args=()) -> str:
    """``django.urls.reverse(view_name, args=args)`` for arguments of text and numbers,
    remembered."""
    return reverser()(view_name, args)


def reverser():
    """``reverse`` for several links in a row (a menu): the URLconf, script prefix and language
    are looked up once."""
    urlconf, prefix, language = get_urlconf(), get_script_prefix(), get_language()

    def reverse(view_name: str, args=()) -> str:
        return remembered_reverse(view_name, tuple(args), (), None, urlconf, prefix, language)

    return reverse
