"""``{% menu "region" %}`` and ``{% menu "tools" %}``: the navigation's entries this account
may follow (core/navigation.py), for the page's region."""

from django import template

from neuewege.core import navigation

register = template.Library()


@register.simple_tag(takes_context=True)
def menu(context, name):
    request = context["request"]
    return navigation.entries(name, context["access"], context.get("region"), request.path)
