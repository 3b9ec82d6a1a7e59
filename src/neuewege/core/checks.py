"""System checks of core: every page names a permission the table knows (``core.access``);
in production (``check --deploy``) the legal pages name the operator (``core.legal``)."""

from django.core.checks import Error, Tags, Warning, register
from django.urls import URLPattern, URLResolver, get_resolver

from .access import PERMISSIONS, declared_permission

OWN_RULES = {"admin", "api"}  # Django's admin (superusers) and the API (its own dependency)


def pages(resolver=None, namespace=None):
    """Every URL pattern of the site's pages, with the namespace it lies in."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or namespace
            if inner not in OWN_RULES:
                yield from pages(pattern, inner)
        elif isinstance(pattern, URLPattern):
            yield pattern


def page_problem(pattern) -> str | None:
    from .exporters import EXPORTERS

    exporter = getattr(pattern.callback, "exporter", None)
    if exporter is not None:
        if exporter != "<name>" and exporter not in EXPORTERS:
            return f"serves the exporter {exporter!r}, which is not declared"
        return None
    permission = declared_permission(pattern.callback)
    if permission is None:
        return "declares no permission (permission = … on the view, or @public)"
    if permission not in PERMISSIONS:
        return f"declares the unknown permission {permission!r}"
    return None


@register(Tags.urls)
def every_page_declares_a_known_permission(app_configs, **kwargs):
    return [
        Error(
            f"The page {pattern.name or pattern.pattern} {problem}.",
            hint=f"Known permissions: {', '.join(sorted(PERMISSIONS))}.",
            obj=pattern.lookup_str,
            id="neuewege.E002",
        )
        for pattern in pages()
        if (problem := page_problem(pattern)) is not None
    ]


@register(Tags.security, deploy=True)
def legal_pages_name_the_operator(app_configs, **kwargs):
    """``check --deploy``: the imprint, privacy and accessibility statement need the operator's
    details (core/legal.py); until they are set, the pages show a notice instead."""
    from .legal import REQUIRED, missing

    return [
        Warning(
            f"The {page} page lacks: {', '.join(variables)}.",
            hint="Set these environment variables (README, Configuration).",
            id="neuewege.W001",
        )
        for page in REQUIRED
        if (variables := missing(page))
    ]
