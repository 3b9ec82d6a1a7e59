"""A select list that writes its options in Python: the markup of Django's ``select.html`` and
``select_option.html``, character for character, without rendering a template for each option
(the search form's lists of needs and languages have some fifty options: through the
templates, the largest part of the form's time)."""

from django import forms
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from neuewege.core.widgets import attributes as _attrs


class Select(forms.Select):
    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        out = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
        for group_name, group_choices, _index in widget["optgroups"]:
            if group_name:
                out.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
            for option in group_choices:
                out.append(
                    f'\n  <option value="{conditional_escape(str(option["value"]))}"'
                    f"{_attrs(option['attrs'])}>{conditional_escape(option['label'])}</option>\n"
                )
            if group_name:
                out.append("\n  </optgroup>")
        out.append("\n</select>")  # the renderer strips the template's last newline
        return mark_safe("".join(out))  # noqa: S308 - every part escaped above
