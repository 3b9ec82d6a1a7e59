"""The ``{% url %}`` tag of every template, remembering what it reversed.

A page reverses some twenty URLs (navigation, footer, links in lists); Django's tag resolves
each anew through the URL patterns, which costs more than the rest of the layout. What a name
with the same arguments reverses to cannot change while the process runs (the patterns are
fixed at start-up), so the result is kept, per URLconf, script prefix and language.
Arguments other than text and numbers are reversed as usual, without remembering.
"""

from django import template
from django.template import defaulttags
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf
from django.utils.html import conditional_escape
from django.utils.translation import get_language

from ..links import remembered_reverse

register = template.Library()


class RememberedURLNode(defaulttags.URLNode):
    def render(self, context):
        args = tuple(arg.resolve(context) for arg in self.args)
        kwargs = tuple((name, value.resolve(context)) for name, value in self.kwargs.items())
        if not all(isinstance(value, str | int) for value in args + tuple(v for _, v in kwargs)):
            return super().render(context)
        request = getattr(context, "request", None)
        current_app = getattr(request, "current_app", None) or getattr(
            getattr(request, "resolver_match", None), "namespace", None
        )
        try:
            url = remembered_reverse(
                self.view_name.resolve(context),
                args,
                kwargs,
                current_app,
                get_urlconf(),
                get_script_prefix(),
                get_language(),
            )
        except NoReverseMatch:
            if self.asvar is None:
                raise
            url = ""
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url


@register.tag
def url(parser, token):
    node = defaulttags.url(parser, token)
    return RememberedURLNode(node.view_name, node.args, node.kwargs, node.asvar)
