"""The weight of the parents' event search on a first visit (issue 18): what a phone with an
empty cache downloads — the page, its styles, scripts and fonts — in Chromium (Playwright),
summed from each response's body as it came over the wire (after WhiteNoise's compression:
gunicorn serves the pre-compressed .br/.gz files that collectstatic wrote). Pages themselves
are not compressed by the application (no GZipMiddleware: a reverse proxy may).

Used by `make bench` against gunicorn (bench/pages.py) and by tests/browser/test_page_weight.py
against the test server."""

import os

BUDGET_KIB = 150
PHONE = {"width": 390, "height": 844}
CHROMIUM = os.environ.get("NEUEWEGE_CHROMIUM", "/usr/bin/chromium")


def first_visit(browser, base_url: str, path: str, locale: str = "de-DE") -> list[dict]:
    """Every response of a first visit to ``path`` on a phone: its address, kind (document,
    stylesheet, script, font …), bytes received for its body, and the body itself."""
    context = browser.new_context(base_url=base_url, locale=locale, viewport=PHONE)
    try:
        page = context.new_page()
        requests = []
        page.on("requestfinished", lambda request: requests.append(request))
        page.goto(path, wait_until="load")
        page.evaluate("document.fonts.ready.then(() => true)")  # fonts load after layout
        page.wait_for_load_state("networkidle")
        responses = []
        for request in requests:
            response = request.response()
            responses.append(
                {
                    "url": request.url,
                    "type": request.resource_type,
                    "bytes": request.sizes()["responseBodySize"],
                    "body": response.body() if response else b"",
                }
            )
        return responses
    finally:
        context.close()


def by_type(responses: list[dict], size=lambda response: response["bytes"]) -> dict:
    """Bytes per kind of response, and the total."""
    totals = {}
    for response in responses:
        totals[response["type"]] = totals.get(response["type"], 0) + size(response)
    totals["total"] = sum(size(response) for response in responses)
    return totals


def run(host: str, path: str) -> dict:
    """The weight of ``path`` on the running server ``host`` (bench/pages.py's gunicorn)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        try:
            weights = {
                language: by_type(first_visit(browser, host, path, locale))
                for language, locale in (("de", "de-DE"), ("ar", "ar"), ("ru", "ru"))
            }
        finally:
            browser.close()
    return {
        "path": path,
        "budget_kib": BUDGET_KIB,
        "languages": weights,
        "pass": all(w["total"] <= BUDGET_KIB * 1024 for w in weights.values()),
    }


def summary_lines(result: dict) -> list[str]:
    rows = [
        [
            language,
            f"{weights['total'] / 1024:.1f}",
            *(f"{weights.get(kind, 0) / 1024:.1f}" for kind in ("document", "stylesheet")),
            *(f"{weights.get(kind, 0) / 1024:.1f}" for kind in ("script", "font")),
        ]
        for language, weights in result["languages"].items()
    ]
    from . import common

    return [
        f"Weight of the parents' event search on a first visit (`{result['path']}`, a phone "
        f"with an empty cache, Chromium, bytes as received from gunicorn and WhiteNoise; "
        f"target ≤ {result['budget_kib']} KiB): {common.verdict(result['pass'])}",
        "",
        common.table(
            ["language", "KiB", "page", "styles", "scripts", "fonts"],
            rows,
        ),
    ]
