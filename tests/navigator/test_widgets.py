"""The search form's select lists write their options in Python: the markup Django's templates
write, character for character (values and labels escaped, groups, the selected option, the
attributes of a field with an error)."""

import pytest
from django import forms
from django.utils import translation

from neuewege.navigator.search_forms import OfferSearchForm
from neuewege.navigator.widgets import Select


@pytest.mark.parametrize("language", ["de", "tr", "ar"])
@pytest.mark.parametrize(
    "data",
    [
        {},
        {"bedarf": "money", "sprache": "tr", "radius": "20"},
        {"bedarf": "debt", "sprache": "xx", "radius": "7"},  # errors at two fields
        {"bedarf": '<b>"&', "sprache": "'"},
    ],
)
def test_the_selects_write_what_the_templates_write(language, data):
    with translation.override(language):
        form = OfferSearchForm(data)
        form.is_valid()
        for name in ("bedarf", "radius", "sprache"):
            field = form[name]
            assert isinstance(field.field.widget, Select)
            ours = str(field)
            django = str(field.as_widget(widget=forms.Select(choices=field.field.choices)))
            assert ours == django
