"""A coordinator imports a directory of offers in Open Referral HSDS: a refused file shows its
problems, a correct one its records; both pages accessible."""

import pytest
from playwright.sync_api import expect

from neuewege.core.models import User
from neuewege.navigator.models import Offer
from tests.factories import UserFactory
from tests.navigator.conftest import make_offer
from tests.navigator.test_hsds_import import delete_directory, package, rewrite, set_field

from .conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_coordinator_imports_an_hsds_datapackage(page, wesel, tmp_path):
    UserFactory(role=User.Role.COORDINATOR, regions=[wesel], email="karin@kreis-wesel.de")
    make_offer(wesel, "Schuldnerberatung Wesel", languages=("de", "tr"))
    make_offer(wesel, "Familientelefon", needs=("parenting",), place=None, online=True)
    content = package(wesel)
    delete_directory(wesel)
    good, bad = tmp_path / "wesel.zip", tmp_path / "kaputt.zip"
    good.write_bytes(content)
    bad.write_bytes(rewrite(content, "services.csv", set_field("status", "offen")))

    sign_in(page, "karin@kreis-wesel.de")
    page.wait_for_url("**/regions/05170/")
    page.goto("/regions/05170/navigator/import/")
    assert_accessible(page)
    page.locator("#id_file").set_input_files(str(bad))
    page.locator("main form button.kern-btn--primary").click()
    expect(page.locator("[data-error-summary]")).to_be_visible()
    expect(page.get_by_role("cell", name="services.csv, 2")).to_be_visible()
    assert_accessible(page)
    assert not Offer.objects.exists()

    page.goto("/regions/05170/navigator/import/")
    page.locator("#id_file").set_input_files(str(good))
    page.locator("main form button.kern-btn--primary").click()
    expect(page.get_by_role("status")).to_be_visible()
    assert_accessible(page)
    assert set(Offer.objects.values_list("name", flat=True)) == {
        "Schuldnerberatung Wesel",
        "Familientelefon",
    }
