"""The result cards of the parents' event search rendered by Django's template engine and by
Jinja2, in this process on the same cards: the measurement issue 19 asks for before the hot
fragments move to Jinja2 (core/jinja.py). The Django markup (bench/templates/) is the cards'
markup before the move; both outputs are checked to be the same text."""

import re
import time
from pathlib import Path

from bench import common

DJANGO_CARDS = Path(__file__).resolve().parent / "templates" / "result_cards_django.html"
JINJA_CARDS = "events/public/_results.html"
REPEAT = 50


def _median_ms(template, context, request) -> float:
    samples = []
    for _ in range(REPEAT):
        started = time.perf_counter()
        template.render(context, request)
        samples.append((time.perf_counter() - started) * 1000)
    return round(sorted(samples)[REPEAT // 2], 2)


def run(postcode: str, radius_km: int) -> dict:
    from django.template import engines
    from django.test import RequestFactory
    from django.utils import translation

    from neuewege.events import search
    from neuewege.events.public_views import RESULTS_PER_PAGE

    request = RequestFactory().get("/veranstaltungen/")
    django_cards = engines["django"].from_string(DJANGO_CARDS.read_text())
    jinja_cards = engines["jinja2"].get_template(JINJA_CARDS)
    result = {"postcode": postcode, "radius_km": radius_km, "languages": {}}
    for language in ("de", "ar"):
        with translation.override(language):
            criteria = search.EventSearch(
                point=search.locate(postcode=postcode), radius_km=radius_km
            )
            cards = search.results_page(criteria, 1, RESULTS_PER_PAGE).object_list
            context = {"cards": cards}
            same = _text(django_cards.render(context, request)) == _text(
                jinja_cards.render(context, request)
            )
            django_ms = _median_ms(django_cards, context, request)
            jinja_ms = _median_ms(jinja_cards, context, request)
        result["languages"][language] = {
            "cards": len(cards),
            "dates": sum(len(card.next_dates) for card in cards),
            "django_ms": django_ms,
            "jinja2_ms": jinja_ms,
            "same_text": same,
        }
    return result


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", html).strip()


def summary_lines(result: dict) -> list[str]:
    rows = [
        [
            language,
            f"{figures['cards']} / {figures['dates']}",
            f"{figures['django_ms']:.2f}",
            f"{figures['jinja2_ms']:.2f}",
            f"{figures['django_ms'] / figures['jinja2_ms']:.1f}×" if figures["jinja2_ms"] else "—",
            "yes" if figures["same_text"] else "NO",
        ]
        for language, figures in result["languages"].items()
    ]
    return [
        "Result cards of the parents' event search (bench/engines.py: one page of results at "
        f"{result['postcode']} + {result['radius_km']} km, rendered {REPEAT} times in this process "
        "by each engine; median ms): the hot fragment is a Jinja2 template (core/jinja.py)",
        "",
        common.table(
            ["language", "cards / dates", "Django ms", "Jinja2 ms", "Django ÷ Jinja2", "same text"],
            rows,
        ),
    ]
