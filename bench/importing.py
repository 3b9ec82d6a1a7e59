"""Import benchmark: 5,000 institutions from a CSV file, imported, re-imported unchanged and
re-imported with a changed value in every row.

The import runs in a scratch database (created with the state-scale dataset, dropped
afterwards) through ``neuewege import institutions FILE``, exactly as an operator would.
The times include starting the command (about a second for Django).
"""

import csv
import io
import random
import re
from datetime import date

from neuewege.core.demo.places import SEATS, TOWNS
from neuewege.core.imports import INSTITUTION_COLUMNS

from . import common

DATABASE = f"{common.BENCH_DB}_import"  # neuewege_bench_import at state scale
ROWS = 5000
TARGET_SECONDS = 30
LABELS = {column.name: column.label for column in INSTITUTION_COLUMNS}
COLUMNS = [
    "external_id",
    "region_key",
    "kind",
    "name",
    "street",
    "postcode",
    "town",
    "email",
    "phone",
    "website",
    "provider",
    "provider_type",
    "youth_welfare_office",
    "certified_from",
    "certified_until",
    "childcare_places",
]
PROVIDERS = [
    ("katholisch", "Kath. Kirchengemeinde St. Marien"),
    ("evangelisch", "Ev. Kirchengemeinde"),
    ("Wohlfahrtsverband", "AWO"),
    ("kommunal", "Stadt"),
    ("Elterninitiative", "Elterninitiative e.V."),
]
CENTRES = ["Regenbogen", "Sonnenschein", "Pusteblume", "Arche", "Kunterbunt", "Lindenhof"]
STREETS = ["Hauptstraße", "Schulstraße", "Kirchplatz", "Gartenweg", "Am Markt"]


def institutions_csv(rows: int = ROWS, seed: int = 2015, revision: int = 0) -> bytes:
    """One youth welfare office per region, then family centres spread over all regions that
    name their office; German headers, semicolons and a BOM, as Excel writes them. Another
    ``revision`` changes the e-mail address and phone number of every family centre."""
    rng = random.Random(seed)
    regions = sorted(TOWNS)
    records = []
    for key in regions:
        seat = SEATS[key]
        town = next((t for t in TOWNS[key] if t[0] == seat), TOWNS[key][0])
        records.append(
            {
                "external_id": f"bench:ja-{key}",
                "region_key": key,
                "kind": "Jugendamt",
                "name": f"Jugendamt {seat} (Importtest)",
                "postcode": town[1],
                "town": town[0],
            }
        )
    for number in range(1, rows - len(regions) + 1):
        key = regions[number % len(regions)]
        name, postcode, _latitude, _longitude = rng.choice(TOWNS[key])
        provider_type, provider = rng.choice(PROVIDERS)
        certified = date(rng.randint(2021, 2025), rng.choice([1, 8]), 1)
        records.append(
            {
                "external_id": f"bench:fz-{number:05d}",
                "region_key": key,
                "kind": "Familienzentrum",
                "name": f"Familienzentrum {rng.choice(CENTRES)} {name} {number}",
                "street": f"{rng.choice(STREETS)} {rng.randint(1, 120)}",
                "postcode": postcode,
                "town": name,
                "email": f"fz{number}.{revision}@example.org",
                "phone": f"0281 {rng.randint(10000, 99999)}{revision}",
                "website": f"https://fz{number}.example.org/",
                "provider": provider,
                "provider_type": provider_type,
                "youth_welfare_office": f"bench:ja-{key}",
                "certified_from": certified.strftime("%d.%m.%Y"),
                "certified_until": certified.replace(year=certified.year + 4).strftime("%d.%m.%Y"),
                "childcare_places": str(rng.choice([6, 8, 10, 12, 15])),
            }
        )
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([LABELS[name] for name in COLUMNS])
    for record in records:
        writer.writerow([record.get(name, "") for name in COLUMNS])
    return b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")


def counts(output: str) -> tuple[int, int]:
    found = re.search(r"(\d+) were created, (\d+) were updated", output)
    if not found:
        raise RuntimeError(f"unexpected output of the import: {output!r}")
    return int(found.group(1)), int(found.group(2))


def run() -> dict:
    common.RESULTS.mkdir(parents=True, exist_ok=True)
    original = common.RESULTS / "institutions-5000.csv"
    original.write_bytes(institutions_csv())
    changed = common.RESULTS / "institutions-5000-changed.csv"
    changed.write_bytes(institutions_csv(revision=1))
    env = common.server_env(DATABASE)
    # a copy of the state-scale dataset (quicker than generating its ten years of events again)
    common.create_database(DATABASE, fresh=True, template=common.BENCH_DB)
    runs = []
    try:
        common.neuewege("migrate", "--no-input", "-v", "0", env=env)
        common.neuewege("demo", "--scale", common.SCALE, env=env, timeout=common.BUILD_TIMEOUT)
        for label, path, expected in (
            ("first import", original, (ROWS, 0)),
            ("re-import, unchanged", original, (0, None)),  # None: any count of updates
            ("re-import, every row changed", changed, (0, ROWS)),
        ):
            seconds, output = common.neuewege("import", "institutions", path, env=env, timeout=600)
            created, updated = counts(output)
            if created != expected[0] or expected[1] not in (None, updated):
                raise RuntimeError(f"{label}: expected {expected} (created, updated): {output}")
            runs.append(
                {
                    "run": label,
                    "rows": ROWS,
                    "created": created,
                    "updated": updated,
                    "seconds": round(seconds, 2),
                    "rows_per_second": round(ROWS / seconds),
                    "target_seconds": TARGET_SECONDS,
                    "pass": seconds < TARGET_SECONDS,
                }
            )
    finally:
        common.drop_database(DATABASE)
    result = {"database": "on top of the state-scale dataset in a scratch DB", "runs": runs}
    common.write_json("import", result)
    print()
    print(f"Import of {ROWS} institutions (neuewege import institutions FILE), target < 30 s")
    print(import_table(result))
    return result


def import_table(result: dict) -> str:
    return common.table(
        ["run", "rows", "created", "updated", "time (s)", "rows/s", "target < 30 s"],
        [
            [
                r["run"],
                r["rows"],
                r["created"],
                r["updated"],
                f"{r['seconds']:.1f}",
                r["rows_per_second"],
                common.verdict(r["pass"]),
            ]
            for r in result["runs"]
        ],
    )
