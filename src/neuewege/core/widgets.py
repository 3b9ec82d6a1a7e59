"""The markup of the plain widgets (text inputs and selects) written out in Python.

Django renders each widget through its templates: a select of eight options is some thirty
template inclusions and loops (the attributes of every option are a template of their own), more
than the rest of a list page's filter form. ``render_widget`` gives the same markup, character
for character, for the widgets whose templates Django ships unchanged — ``input.html`` and
``select.html`` with ``select_option.html`` and ``attrs.html`` — and None for anything else
(another template, a label that is no text), which the renderer then renders as before.
"""

from functools import cache

from django.template.loader import get_template
from django.utils.functional import Promise
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeData

DJANGO_WIDGETS = "django/forms/templates/django/forms/widgets/"
INPUT = "django/forms/widgets/input.html"
INPUTS = {
    f"django/forms/widgets/{kind}.html"
    for kind in ("text", "search", "email", "url", "number", "tel", "date", "time", "password")
}
SELECT = "django/forms/widgets/select.html"
OPTION = "django/forms/widgets/select_option.html"
ATTRS = "django/forms/widgets/attrs.html"


@cache
def is_djangos(template_name: str) -> bool:
    """Whether ``template_name`` is found as Django's own template (no project overrides it)."""
    origin = get_template(template_name).origin.name.replace("\\", "/")
    return origin.endswith(DJANGO_WIDGETS + template_name.rsplit("/", 1)[1])


def text(value) -> str:
    """``{{ value|stringformat:'s' }}``: the value as text, escaped unless marked safe."""
    return str(value) if isinstance(value, SafeData) else escape(str(value))


def is_text(value) -> bool:
    return isinstance(value, str | Promise)


def attributes(attrs) -> str:
    """``attrs.html``."""
    return "".join(
        f" {conditional_escape(name)}"
        if value is True
        else f' {conditional_escape(name)}="{text(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def render_input(widget) -> str:
    value = widget["value"]
    shown = "" if value is None else f' value="{text(value)}"'
    kind, name = conditional_escape(widget["type"]), conditional_escape(widget["name"])
    return f'<input type="{kind}" name="{name}"{shown}{attributes(widget["attrs"])}>'


def render_select(widget) -> str | None:
    parts = [f'<select name="{conditional_escape(widget["name"])}"{attributes(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            if not is_text(group_name):
                return None
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in group_choices:
            if option["template_name"] != OPTION or not is_text(option["label"]):
                return None
            parts.append(
                f'\n  <option value="{text(option["value"])}"{attributes(option["attrs"])}>'
                f"{conditional_escape(option['label'])}</option>\n"
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def render_widget(template_name: str, context) -> str | None:
    """The markup of Django's template ``template_name`` for ``context``, or None."""
    widget = context.get("widget") if isinstance(context, dict) else None
    if widget is None:
        return None
    if template_name in INPUTS:
        if not (is_djangos(template_name) and is_djangos(INPUT) and is_djangos(ATTRS)):
            return None
        return render_input(widget)
    if template_name == SELECT:
        if not (is_djangos(SELECT) and is_djangos(OPTION) and is_djangos(ATTRS)):
            return None
        return render_select(widget)
    return None
