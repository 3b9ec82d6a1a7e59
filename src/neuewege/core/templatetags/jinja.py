"""``{% jinja "events/public/_results.html" page=page %}``: a Jinja2 fragment in a Django
template (see core/jinja.py), rendered with the values named."""

from django import template
from django.template import engines
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag(takes_context=True)
def jinja(context, name: str, **values):
    fragment = engines["jinja2"].get_template(name)
    return mark_safe(fragment.render(values, context.get("request")))  # noqa: S308 (autoescaped)
