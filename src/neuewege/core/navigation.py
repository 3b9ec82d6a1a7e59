"""The navigation: each app declares its entries (``menu_entry`` in its ``AppConfig.ready``),
core knows none of the capabilities. Two menus: the region's (entries of one region, filtered
by what the account may do there) and the account's tools in the header.

An entry is shown when its ``allowed(access, region)`` says so — the same access policy the
page itself applies (``core.access``), so a link never leads to a refusal.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .access import Access, Action
from .models import Region

REGION, TOOLS = "region", "tools"


def always(access: Access, region: Region | None) -> bool:
    return True


def may(action: Action) -> Callable[[Access, Region | None], bool]:
    """Shown to accounts that may do ``action`` in the region."""

    def allowed(access, region):
        return region is not None and access.can(action, region)

    return allowed


@dataclass(frozen=True)
class Entry:
    menu: str
    url_name: str
    label: str | None  # a lazy text; None: the region's name
    order: int
    allowed: Callable[[Access, Region | None], bool] = always
    of_region: bool = True  # in the region's menu: the address takes the region's key


MENUS: dict[str, dict[str, Entry]] = {REGION: {}, TOOLS: {}}


def menu_entry(
    menu: str, url_name: str, label, *, order: int, allowed=always, of_region=True
) -> Entry:
    if url_name in MENUS[menu]:
        raise ImproperlyConfigured(f"{url_name!r} is in the {menu} menu twice.")
    of_region = of_region and menu == REGION
    MENUS[menu][url_name] = entry = Entry(menu, url_name, label, order, allowed, of_region)
    return entry


def entries(menu: str, access: Access, region: Region | None, path: str) -> list[dict]:
    """The menu's entries this account may follow: label, address, whether it is this page.
    The region's entries take the region's key."""
    shown = []
    for entry in sorted(MENUS[menu].values(), key=lambda entry: entry.order):
        if not entry.allowed(access, region):
            continue
        url = reverse(entry.url_name, args=[region.key] if entry.of_region else [])
        label = region.name if entry.label is None else entry.label
        shown.append({"label": label, "url": url, "current": url == path})
    return shown


# Core's own entries
menu_entry(REGION, "region-home", None, order=10)
menu_entry(REGION, "institution-list", _("Institutions"), order=20)
menu_entry(REGION, "person-list", _("People"), order=30)
menu_entry(REGION, "import-upload", _("Import"), order=70, allowed=may(Action.IMPORT))
menu_entry(REGION, "account-list", _("Accounts"), order=80, allowed=may(Action.MANAGE_ACCOUNTS))
menu_entry(REGION, "audit-log", _("Change log"), order=90, allowed=may(Action.VIEW_AUDIT))
menu_entry(REGION, "parent-data", _("Access and erasure"), order=95, allowed=may(Action.DELETE))
menu_entry(TOOLS, "api-tokens", _("API tokens"), order=40)
menu_entry(TOOLS, "second-factor", _("Second factor"), order=50)
