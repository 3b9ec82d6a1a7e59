"""A parent opening the event search for the first time on a phone downloads at most 150 KiB:
the page, KERN's and our styles, our small script and only the parts of the fonts its text
needs (Fira Sans cut by script, neuewege subsetfonts; Arabic in the device's own font).

The test server serves static files as they are; in production WhiteNoise serves the
compressed copies collectstatic writes. Static files are therefore counted as WhiteNoise
would send them to a browser that accepts gzip (its larger copy; over HTTPS browsers get the
smaller Brotli one), fonts as they are (woff2 is compressed already), the page as sent."""

from urllib.parse import urlparse

import pytest
from django.conf import settings
from whitenoise.compress import Compressor

from bench.page_weight import BUDGET_KIB, by_type, first_visit
from tests.factories import InstitutionFactory, make_event, region

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

COMPRESSOR = Compressor(quiet=True)


def as_served(response) -> int:
    """The bytes WhiteNoise sends for a static file (gzip where it compresses effectively),
    the bytes received for anything else."""
    path = urlparse(response["url"]).path
    body = response["body"]
    if path.startswith(settings.STATIC_URL) and COMPRESSOR.should_compress(path):
        compressed = COMPRESSOR.compress_gzip(body)
        if COMPRESSOR.is_compressed_effectively("gzip", path, len(body), compressed):
            return len(compressed)
    return len(body)


@pytest.fixture
def search():
    """The search near a family centre with two events."""
    centre = InstitutionFactory(
        region=region("05170"),
        name="Familienzentrum Regenbogen",
        postcode="46483",
        town="Wesel",
        latitude=51.6583,
        longitude=6.6178,
    )
    make_event(centre, title="Elterncafé am Dienstag", dates=4)
    make_event(centre, "parent_course", title="Elternkurs Starke Eltern")
    return "/veranstaltungen/?plz=46483&radius=20"


@pytest.mark.parametrize("locale", ["de-DE", "ar", "ru"])
def test_the_event_search_weighs_at_most_150_kib_on_a_first_visit(
    browser, live_server, search, locale
):
    responses = first_visit(browser, live_server.url, search, locale)
    pages = [r for r in responses if r["type"] == "document"]
    assert len(pages) == 1 and b"event-results" in pages[0]["body"]
    weights = by_type(responses, as_served)
    assert weights["total"] <= BUDGET_KIB * 1024, weights

    # only the cut fonts, only the parts the text needs: Latin for the page (Cyrillic also for
    # the names of the languages in the chooser), no Turkish and Polish letters here
    fonts = sorted(urlparse(r["url"]).path for r in responses if r["type"] == "font")
    assert fonts and all(path.startswith("/static/neuewege/fonts/") for path in fonts), fonts
    assert not any(path.endswith("-latin-ext.woff2") for path in fonts), fonts
    assert len(fonts) <= 6, fonts
    # no htmx, charts or maps on a parent's page: our one small script
    scripts = [urlparse(r["url"]).path for r in responses if r["type"] == "script"]
    assert scripts == ["/static/neuewege/app.js"], scripts
