"""The navigation: each app declares its entries (``menu_entry`` in its ``AppConfig.ready``),
core knows none of the capabilities. Three menus: the region's (entries of one region, filtered
by what the account may do there), the account's tools in the header, and an institution's
(pages of one institution, linked from its page: the address takes the institution's id).

An entry is shown when the account has the permission its page declares (on the region, or on
nothing for an entry of no region) — the same question the page itself asks, so a link never
leads to a refusal. ``permission`` narrows an entry further than its page (the cooperation
entry: the region's dashboard is open to the state level too, the cooperation records are not).
"""

from dataclasses import dataclass
from functools import cache

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from . import links
from .access import Access, declared_permission
from .models import Region

REGION, TOOLS, INSTITUTION = "region", "tools", "institution"


@dataclass(frozen=True)
class Entry:
    menu: str
    url_name: str
    label: str | None  # a lazy text; None: the region's name
    order: int
    permission: str | None = None  # None: the one its page declares
    of_region: bool = True  # in the region's menu: the address takes the region's key

    def allowed(self, access: Access, region: Region | None) -> bool:
        if self.of_region and region is None:
            return False
        permission = self.permission or page_permission(self.url_name)
        return access.has(permission, region if self.of_region else None)


@cache
def page_permission(url_name: str) -> str:
    """The permission the page named ``url_name`` declares."""
    from .checks import pages

    for pattern in pages():
        if pattern.name == url_name:
            permission = declared_permission(pattern.callback)
            if permission is None:
                raise ImproperlyConfigured(f"The page {url_name!r} declares no permission.")
            return permission
    raise ImproperlyConfigured(f"No page is named {url_name!r}.")


MENUS: dict[str, dict[str, Entry]] = {REGION: {}, TOOLS: {}, INSTITUTION: {}}


def menu_entry(
    menu: str, url_name: str, label, *, order: int, permission=None, of_region=True
) -> Entry:
    if url_name in MENUS[menu]:
        raise ImproperlyConfigured(f"{url_name!r} is in the {menu} menu twice.")
    of_region = of_region and menu == REGION
    MENUS[menu][url_name] = entry = Entry(menu, url_name, label, order, permission, of_region)
    return entry


def entries(menu: str, access: Access, region: Region | None, path: str) -> list[dict]:
    """The menu's entries this account may follow: label, address, whether it is this page.
    The region's entries take the region's key. Labels are given as text of the current
    language (a template shows each once)."""
    shown = []
    reverse = links.reverser()
    for entry in sorted(MENUS[menu].values(), key=lambda entry: entry.order):
        if not entry.allowed(access, region):
            continue
        url = reverse(entry.url_name, [region.key] if entry.of_region else ())
        label = region.name if entry.label is None else str(entry.label)
        shown.append({"label": label, "url": url, "current": url == path})
    return shown


def institution_entries(access: Access, institution) -> list[dict]:
    """The pages of one institution the apps declare that this account may open: label and
    address (the page asks the same permission about the institution)."""
    shown = []
    reverse = links.reverser()
    for entry in sorted(MENUS[INSTITUTION].values(), key=lambda entry: entry.order):
        permission = entry.permission or page_permission(entry.url_name)
        if access.has(permission, institution):
            url = reverse(entry.url_name, [institution.pk])
            shown.append({"label": str(entry.label), "url": url})
    return shown


# Core's own entries
menu_entry(REGION, "region-home", None, order=10)
menu_entry(REGION, "institution-list", _("Institutions"), order=20)
menu_entry(REGION, "person-list", _("People"), order=30)
menu_entry(REGION, "import-upload", _("Import"), order=70)
menu_entry(REGION, "account-list", _("Accounts"), order=80)
menu_entry(REGION, "audit-log", _("Change log"), order=90)
menu_entry(REGION, "parent-data", _("Access and erasure"), order=95)
menu_entry(TOOLS, "api-tokens", _("API tokens"), order=40)
menu_entry(TOOLS, "second-factor", _("Second factor"), order=50)
