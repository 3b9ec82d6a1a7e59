"""``{% allowed "core.import" region as can_import %}``: templates ask the one access policy
(``core.access``) with the same permission names as the pages, never a rule of their own."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def allowed(context, permission, record=None):
    access = context.get("access")
    return bool(access is not None and access.has(permission, record))
