"""Text inputs and selects are written out in Python (core/widgets.py) with the markup of
Django's templates, character for character."""

import pytest
from django import forms
from django.forms.renderers import TemplatesSetting
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from neuewege.core import widgets
from neuewege.core.forms import KernFormRenderer

CHOICES = [("", "Alle"), ("a", "A & B <c>"), ("b", _("Monday")), ("c", mark_safe("<b>safe</b>"))]
GROUPED = [('Gruppe "1"', [("x", "X"), ("y", "Y")]), ("z", "Z")]


def form_with(widget_field):
    class Form(forms.Form):
        field = widget_field

    return Form


FIELDS = [
    forms.CharField(),
    forms.CharField(required=False, widget=forms.TextInput(attrs={"maxlength": 100})),
    forms.CharField(widget=forms.TextInput(attrs={"data-x": 'a"b', "disabled": True})),
    forms.CharField(widget=forms.TextInput(attrs={"hidden": False, "class": "narrow"})),
    forms.EmailField(),
    forms.URLField(assume_scheme="https"),
    forms.IntegerField(min_value=0, max_value=200),
    forms.DateField(widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")),
    forms.CharField(widget=forms.PasswordInput),
    forms.ChoiceField(choices=CHOICES),
    forms.ChoiceField(choices=CHOICES, required=False, widget=forms.Select(attrs={"x": 1})),
    forms.ChoiceField(choices=GROUPED),
    forms.MultipleChoiceField(choices=CHOICES, widget=forms.SelectMultiple),
    forms.IntegerField(widget=forms.Select(choices=[(1, "eins"), (2, "zwei")])),
]
VALUES = [None, "", "a", "A & B <c>", "2027-03-24", "1", "x", ["a", "c"], 2]


@pytest.mark.parametrize("field", FIELDS, ids=lambda field: type(field.widget).__name__)
def test_the_markup_is_that_of_djangos_templates(field):
    for value in VALUES:
        bound = form_with(field)({"field": value} if value is not None else None)["field"]
        widget = bound.field.widget
        try:
            attrs = bound.build_widget_attrs({})  # validates: a list for a date is no value
        except (AttributeError, TypeError):
            continue
        context = widget.get_context(bound.html_name, bound.value(), attrs)
        fast = widgets.render_widget(widget.template_name, context)
        assert fast is not None, widget.template_name
        assert fast == TemplatesSetting().render(widget.template_name, context), value


def test_forms_render_the_same_with_the_kern_renderer(monkeypatch):
    form = form_with(forms.ChoiceField(choices=CHOICES, label="Art"))({"field": "b"})
    assert isinstance(form.renderer, KernFormRenderer)
    fast = form.as_div()
    monkeypatch.setattr("neuewege.core.forms.render_widget", lambda *args: None)
    assert form.as_div() == fast


def test_other_widgets_are_left_to_their_templates():
    checkbox = forms.CheckboxInput()
    context = checkbox.get_context("x", True, {})
    assert widgets.render_widget(checkbox.template_name, context) is None
