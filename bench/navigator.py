"""Navigator benchmark (issue 17), in this process through the one download path
(``core.exporters.make``) as the state level:

- the Lotsenbroschüre (A4 and A5, 10 km, German and Arabic) of the family centre with the most
  offers within 10 km — target ≤ 3 s each;
- the HSDS 3 datapackage of the whole state (every region's active offers; in production a
  background export) — target ≤ 30 s.

The search over the state's offers runs under load with the pages (bench/scenarios.py,
``offer_search``). Alone: ``python -m bench.navigator`` against the benchmark database.
"""

import time

from . import common

BROCHURE_TARGET_MS = 3000
EXPORT_TARGET_MS = 30000
REPEAT = 3


def densest_centre():
    """The family centre of Kreis Wesel with the most offers within 10 km."""
    from neuewege.core.models import Institution
    from neuewege.navigator.brochure import centre_point
    from neuewege.navigator.selectors import locations_within

    best, most = None, -1
    for centre in Institution.objects.family_centres().filter(region__key="05170")[:60]:
        point = centre_point(centre)
        found = len(locations_within(point, 10)) if point else 0
        if found > most:
            best, most = centre, found
    if best is None:
        raise RuntimeError("no family centre in Kreis Wesel: is the state-scale dataset there?")
    return best, most


def timed(make, repeat=REPEAT) -> dict:
    make()  # warm-up: imports, templates, fonts
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        document = make()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return {
        "median_ms": round(samples[len(samples) // 2], 1),
        "max_ms": round(samples[-1], 1),
        "bytes": len(document.content),
    }


def run() -> dict:
    from neuewege.core import exporters
    from neuewege.core.access import system_access
    from neuewege.navigator.models import Offer

    access = system_access()

    def make(name, fmt, params):
        return lambda: exporters.make(access, name, fmt, params)[2]

    centre, places = densest_centre()
    rows = []
    for size, language in (("A4", "de"), ("A5", "de"), ("A4", "ar")):
        print(f"navigator: brochure {size} {language} …", flush=True)
        params = {"institution": str(centre.pk), "radius": "10", "size": size}
        measured = timed(make("centre-brochure", "pdf", params | {"language": language}))
        rows.append(
            {"title": f"Lotsenbroschüre {size}, {language}", "target_ms": BROCHURE_TARGET_MS}
            | measured
        )
    print("navigator: HSDS datapackage of the state …", flush=True)
    measured = timed(make("hsds-datapackage-state", "zip", {}), repeat=1)
    rows.append(
        {"title": "HSDS datapackage, whole state", "target_ms": EXPORT_TARGET_MS} | measured
    )
    for row in rows:
        row["pass"] = row["median_ms"] <= row["target_ms"]
    result = {
        "centre": {"id": centre.pk, "name": centre.name, "places_within_10_km": places},
        "offers": Offer.objects.count(),
        "rows": rows,
    }
    common.write_json("navigator", result)
    print()
    print(table(result))
    return result


def table(result: dict) -> str:
    return common.table(
        ["document", "median ms", "slowest ms", "size", "target"],
        [
            [
                row["title"],
                f"{row['median_ms']:.0f}",
                f"{row['max_ms']:.0f}",
                f"{row['bytes'] / 1024:,.0f} KiB",
                f"{common.verdict(row['pass'])} (≤ {row['target_ms']:,} ms)",
            ]
            for row in result["rows"]
        ],
    )


def summary_lines(result: dict) -> list[str]:
    centre = result["centre"]
    return [
        f"Navigator documents (bench/navigator.py), {result['offers']:,} offers in the state: "
        f"the Lotsenbroschüre of {centre['name']} ({centre['places_within_10_km']} places of "
        "offers within 10 km) and the HSDS datapackage of the whole state, through the download "
        "path in this process:",
        "",
        table(result),
    ]


if __name__ == "__main__":
    common.start_django()
    common.RESULTS.mkdir(parents=True, exist_ok=True)
    run()
