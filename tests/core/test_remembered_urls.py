"""The {% url %} tag of every template remembers what it reversed: the same links as reverse()."""

import pytest
from django.template import Context, Template
from django.test.utils import override_script_prefix
from django.urls import NoReverseMatch, reverse


def render(source, **context):
    return Template(source).render(Context(context))


def test_links_are_those_of_reverse_with_positional_and_named_arguments():
    assert render("{% url 'region-home' key %}", key="05170") == reverse(
        "region-home", args=["05170"]
    )
    assert render("{% url 'institution-detail' pk=7 %}") == reverse(
        "institution-detail", kwargs={"pk": 7}
    )
    # the same tag with other arguments gives another link, not the remembered one
    assert render("{% url 'region-home' key %}", key="05334") == "/regions/05334/"


def test_as_variable_and_unknown_names_behave_as_in_django():
    assert render("{% url 'region-home' '05170' as link %}<{{ link }}>") == "</regions/05170/>"
    assert render("{% url 'no-such-page' as link %}<{{ link }}>") == "<>"
    with pytest.raises(NoReverseMatch):
        render("{% url 'no-such-page' %}")


def test_a_script_prefix_is_part_of_the_remembered_link():
    assert render("{% url 'imprint' %}") == "/impressum/"
    with override_script_prefix("/neuewege/"):
        assert render("{% url 'imprint' %}") == "/neuewege/impressum/"
