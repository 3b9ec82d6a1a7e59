"""Jinja2 for the few fragments rendered dozens of times a page on the hottest pages (the
parents' result cards): the same markup renders four to five times faster than with Django's
template engine (measured in ``make bench``, table "Result cards"). Every page stays a Django
template and includes such a fragment with ``{% jinja "name" key=value %}``; a fragment lives
in an app's ``jinja2/`` folder and uses only ``_("text")`` (a literal, so that makemessages
finds it), ``url(name, *args)`` and values worked out in Python (plurals, numbers, dates).
"""

from django.utils.translation import gettext
from jinja2 import Environment

from neuewege.core import links


def url(view_name: str, *args) -> str:
    """The address of a view (remembered, as the ``{% url %}`` tag of every Django template)."""
    return links.reverse(view_name, args)


def environment(**options) -> Environment:
    """The environment of the "jinja2" template backend (settings.TEMPLATES)."""
    options.pop("autoescape", None)
    env = Environment(autoescape=True, **options)  # always: values are escaped as in Django
    env.globals.update({"_": gettext, "url": url})
    return env
