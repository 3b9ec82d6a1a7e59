"""The legal pages (imprint, privacy statement, accessibility statement) and the barrier report:
in the parents' layout and in the parent's language, the operator's details from the settings,
the privacy statement's data categories from the privacy registry."""

import re

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import trans_real

from neuewege.core import legal
from neuewege.core.forms import BarrierReportForm
from neuewege.core.privacy import CATEGORIES

pytestmark = pytest.mark.django_db

PAGES = ("imprint", "privacy", "accessibility", "barrier-report")
LANGUAGES = [code for code, _name in settings.LANGUAGES]
OPERATOR = {
    "OPERATOR_NAME": "Kreis Wesel",
    "OPERATOR_ADDRESS": "Reeser Landstraße 31, 46483 Wesel",
    "OPERATOR_EMAIL": "neuewege@kreis-wesel.example",
    "OPERATOR_PHONE": "0281 207-0",
    "OPERATOR_REPRESENTATIVE": "Landrat Max Muster",
    "OPERATOR_VAT_ID": "DE123456789",
    "DPO_CONTACT": "datenschutz@kreis-wesel.example",
    "ACCESSIBILITY_REVIEW": "1. Dezember 2026, Selbstbewertung",
}
UNSET = dict.fromkeys(OPERATOR, "") | {
    "DATA_PROTECTION_AUTHORITY": "",
    "ACCESSIBILITY_ENFORCEMENT": "",
    "ACCESSIBILITY_EMAIL": "",
}


def open_in(client, name, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(reverse(name))
    assert response.status_code == 200
    return response.content.decode()


def main_text(body):
    return body[body.index("<main") : body.index("</main>")]


def test_every_page_opens_in_the_parents_layout_and_language(client):
    assert len(LANGUAGES) == 7
    for language in LANGUAGES:
        direction = "rtl" if language == "ar" else "ltr"
        for name in PAGES:
            body = open_in(client, name, language)
            assert f'<html lang="{language}" dir="{direction}">' in body, (name, language)
            assert "parent-page" in body and "parent-languages" in body
            assert f'href="{reverse("public-event-list")}"' in body  # the way back
            assert f'href="{reverse("login")}"' in body
            for other in PAGES:  # the footer links to each of them
                assert reverse(other) in body


def test_staff_reach_them_in_their_language_with_the_way_to_their_start_page(client, staff):
    client.force_login(staff)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = client.get(reverse("privacy")).content.decode()
    assert '<html lang="en" dir="ltr">' in body
    assert f'href="{reverse("home")}"' in body and f'href="{reverse("login")}"' not in body


@override_settings(**OPERATOR)
def test_filled_in_details_leave_no_placeholder(client):
    for language in ("de", "en", "ar"):
        for name in PAGES:
            text = main_text(open_in(client, name, language))
            assert "[" not in text and "]" not in text, (name, language)
            assert 'role="note"' not in text  # no notice of missing details
    with translation.override("en"):
        imprint = main_text(open_in(client, "imprint", "en"))
        assert "not yet given" not in imprint
        for value in ("Kreis Wesel", "Reeser Landstraße 31", "Landrat Max Muster", "DE123456789"):
            assert value in imprint
        privacy = main_text(open_in(client, "privacy", "en"))
        assert "datenschutz@kreis-wesel.example" in privacy and "LDI NRW" in privacy
        accessibility = main_text(open_in(client, "accessibility", "en"))
        assert "1. Dezember 2026, Selbstbewertung" in accessibility
        assert "mailto:neuewege@kreis-wesel.example" in accessibility
        assert "Ombudsstelle für barrierefreie Informationstechnik" in accessibility


@override_settings(**UNSET)
def test_missing_details_show_a_notice_not_a_bracket(client, staff):
    for name in ("imprint", "privacy", "accessibility"):
        text = main_text(open_in(client, name, "en"))
        assert "[" not in text
        assert "Some details of this page are still missing." in text
        assert "not yet given" in text
        assert "NEUEWEGE_OPERATOR_NAME" not in text  # the variables are for the operator
    client.force_login(staff)
    text = main_text(open_in(client, "privacy", "en"))
    assert "NEUEWEGE_OPERATOR_NAME" in text and "NEUEWEGE_DPO_CONTACT" in text
    assert legal.missing("accessibility") == [
        "NEUEWEGE_OPERATOR_NAME",
        "NEUEWEGE_OPERATOR_EMAIL",
        "NEUEWEGE_ACCESSIBILITY_REVIEW",
        "NEUEWEGE_ACCESSIBILITY_ENFORCEMENT",
    ]


@override_settings(**OPERATOR, REGISTRATION_RETENTION_DAYS=90)
def test_privacy_statement_tells_the_registrys_categories_with_their_retention(client):
    told = legal.told_to_visitors()
    names = [category.name for category in told]
    assert {"registrations", "barrier_reports", "personal_data_log"} <= set(names)
    assert all(CATEGORIES[name].purpose for name in names)
    with translation.override("en"):
        text = main_text(open_in(client, "privacy", "en"))
        told_days = r'id="category-(\w+)".*?data-retention-days="(\d+)"'
        retentions = dict(re.findall(told_days, text, re.S))
        assert retentions == {category.name: str(category.retention_days) for category in told}
        assert retentions["registrations"] == "90"  # the setting the purge uses
        registrations = text[text.index('id="category-registrations"') :]
        assert "90 days, counted from the event&#x27;s last date" in registrations
        for category in told:
            assert str(category.legal_basis) in text
            assert str(category.purpose).replace("'", "&#x27;") in text
        for stored in ("First name", "E-mail address", "Phone number", "Ages of the children"):
            assert stored in registrations
        for right in ("Art. 15", "Art. 16", "Art. 17", "Art. 18", "Art. 20", "Art. 21", "Art. 7"):
            assert right in text
        assert "Data protection officer" in text and "Kreis Wesel" in text


def test_what_parents_read_there_is_translated_into_every_parent_language():
    """The registry's texts of the visitors' categories and the barrier form are shown on
    parent pages: each must be translated (the templates are checked by
    tests/test_translations.py, which knows the parent sources)."""
    fields = [BarrierReportForm().fields[name] for name in ("page_url", "description", "contact")]
    texts = [field.label for field in fields] + [field.help_text for field in fields[2:]]
    for category in legal.told_to_visitors():
        texts += [category.label, category.purpose, category.legal_basis]
        texts += [category.retention_start, *category.labels.values()]
    for language in ("de", "tr", "ar", "uk", "ru", "pl"):
        with translation.override("en"):
            english = [str(text) for text in texts]
        with translation.override(language):
            translated = [str(text) for text in texts]
        catalogue = trans_real.translation(language)._catalog  # a word may read the same
        untranslated = [
            en
            for en, there in zip(english, translated, strict=True)
            if en == there and en not in catalogue
        ]
        assert untranslated == [], f"{language}: {untranslated}"
