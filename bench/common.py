"""What every benchmark shares: paths, the PostgreSQL databases, commands, tables, results."""

import json
import os
import platform
import secrets
import socket
import subprocess
import time
from pathlib import Path

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
# SCALE=germany (`make bench SCALE=germany`): the same benchmarks on the Germany-scale dataset
# (about ten times the state) in a database of its own, their results in bench/results/germany/
SCALE = os.environ.get("SCALE") or "state"
if SCALE not in ("state", "germany"):
    raise SystemExit(f"SCALE={SCALE}: the benchmarks know the scales state and germany")
STATE_RESULTS = ROOT / "bench" / "results"
RESULTS = STATE_RESULTS if SCALE == "state" else STATE_RESULTS / SCALE
# Only ever the local server: trust authentication as user postgres on loopback.
POSTGRES = "postgresql://postgres@127.0.0.1:5432"
BENCH_DB = "neuewege_bench" if SCALE == "state" else f"neuewege_bench_{SCALE}"
BUILD_LOCK = 727_100  # the advisory lock around building a dataset
# building the dataset may take this long (seconds): the state's in a few minutes, Germany's
# within 20 minutes on a quiet machine
BUILD_TIMEOUT = {"state": 1200, "germany": 3600}[SCALE]
REDIS = ("127.0.0.1", 6379)
# The application refuses to start without a secret key; the benchmark's throwaway server gets
# one of its own for the run (the caller's, if set).
SECRET_KEY = os.environ.get("NEUEWEGE_SECRET_KEY") or secrets.token_urlsafe(50)


def shared_cache_url() -> str:
    """The production set-up shares one Redis between the app servers (NEUEWEGE_CACHE_URL):
    measured with it when one answers on 127.0.0.1, else with each worker's memory."""
    try:
        socket.create_connection(REDIS, timeout=1).close()
    except OSError:
        return ""
    return f"redis://{REDIS[0]}:{REDIS[1]}/14"


CACHE_URL = shared_cache_url()


def cache_description() -> str:
    return f"Redis shared by the workers ({CACHE_URL})" if CACHE_URL else "each worker's memory"


def database_url(name: str) -> str:
    return f"{POSTGRES}/{name}"


def _admin():
    return psycopg.connect(database_url("postgres"), autocommit=True)


def create_database(name: str, *, fresh: bool = False, template: str | None = None):
    """Create the database if it is missing (dropping it first when ``fresh``), as a copy of
    ``template`` when given (nobody may be connected to that one meanwhile)."""
    with _admin() as connection:
        if fresh:
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            create = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
            if template:
                create += sql.SQL(" TEMPLATE {}").format(sql.Identifier(template))
            connection.execute(create)


def drop_database(name: str):
    with _admin() as connection:
        connection.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def server_env(database: str, **extra) -> dict:
    """The environment of every Django process of the benchmark."""
    return {
        **os.environ,
        "DATABASE_URL": database_url(database),
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "PYTHONPATH": str(ROOT),
        "NEUEWEGE_DEBUG": "0",
        "NEUEWEGE_SECRET_KEY": SECRET_KEY,
        "NEUEWEGE_LOGIN_THROTTLING": "0",
        "NEUEWEGE_LOG_LEVEL": "WARNING",
        "NEUEWEGE_CACHE_URL": CACHE_URL,
        # the load generator stands for the proxy in front of many parents: each client of the
        # booking rush names its own address (the limits on public writes count per address)
        "NEUEWEGE_PROXY_COUNT": "1",
        **extra,
    }


def neuewege(*args, env: dict, timeout: int = 300) -> tuple[float, str]:
    """Run a ``neuewege`` command; returns its wall time in seconds and its output."""
    started = time.perf_counter()
    done = subprocess.run(  # noqa: S603 - our own virtualenv's command
        [str(BIN / "neuewege"), *map(str, args)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(
            f"neuewege {' '.join(map(str, args))} failed ({done.returncode}):\n"
            f"{done.stdout[-2000:]}{done.stderr[-2000:]}"
        )
    return elapsed, done.stdout.strip()


def start_django(database: str = BENCH_DB) -> None:
    """Django in this process, against ``database`` with the benchmark server's settings."""
    os.environ.update(
        {
            key: value
            for key, value in server_env(database).items()
            if key.startswith(("DATABASE_URL", "DJANGO_", "NEUEWEGE_"))
        }
    )
    import django

    django.setup()


def build_dataset():
    """The dataset of SCALE in PostgreSQL, built once (``demo`` does nothing when it exists):
    master data, then ten years of events and registrations. A build's time and row counts are
    kept in ``results/dataset.json`` (the Germany-scale target: ≤ 20 minutes). One build at a
    time: two benchmarks may start together."""
    with _admin() as lock:
        lock.execute("SELECT pg_advisory_lock(%s)", [BUILD_LOCK])
        create_database(BENCH_DB)
        env = server_env(BENCH_DB)
        neuewege("migrate", "--no-input", "-v", "0", env=env)
        seconds, output = neuewege("demo", "--scale", SCALE, env=env, timeout=BUILD_TIMEOUT)
        print(f"dataset: {' '.join(output.split())} ({seconds:.1f} s)")
        with psycopg.connect(database_url(BENCH_DB), autocommit=True) as connection:
            connection.execute("VACUUM ANALYZE")  # fresh statistics for the planner
            if "already present" not in output:
                write_json(
                    "dataset",
                    {"scale": SCALE, "database": BENCH_DB, "seconds": round(seconds, 1)}
                    | {"output": output, "rows": row_counts(connection)},
                )


DATASET_TABLES = {
    "regions": "core_region",
    "family centres": "core_institution WHERE kind = 'family_centre'",
    "people": "core_person",
    "events": "events_parentevent",
    "dates": "events_eventsession",
    "registrations": "events_registration",
    "attendance": "events_registration_attended_sessions",
    "survey invitations": "evaluation_surveyinvitation",
    "survey responses": "evaluation_surveyresponse",
    "navigator offers": "navigator_offer",
    "kept counts (events)": "evaluation_eventcount",
}


def row_counts(connection) -> dict:
    return {
        label: connection.execute(f"SELECT count(*) FROM {source}").fetchone()[0]  # noqa: S608
        for label, source in DATASET_TABLES.items()
    }


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    with _admin() as connection:
        postgres = connection.execute("SHOW server_version").fetchone()[0]
    return (
        f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, "
        f"PostgreSQL {postgres}; load generator and server share the machine"
    )


def table(headers: list[str], rows: list[list]) -> str:
    """A Markdown table, readable in the terminal as well."""
    cells = [[str(cell) for cell in row] for row in rows]
    widths = [max(len(h), *(len(row[i]) for row in cells)) for i, h in enumerate(headers)]

    def line(values):
        return "| " + " | ".join(v.ljust(w) for v, w in zip(values, widths, strict=True)) + " |"

    return "\n".join(
        [line(headers), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
        + [line(row) for row in cells]
    )


def write_json(name: str, data) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")
    return path


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def run_solver_benchmark(name: str, scenarios: dict, run_scenario, table, target_lines, names=None):
    """A solver benchmark's runs: each scenario (all, or those ``names``) solved and its table
    printed as it finishes, the results kept in ``results/<name>.json``, the targets printed."""
    results = []
    for key in names or scenarios:
        result = run_scenario(scenarios[key])
        results.append(result)
        print(table([result]), flush=True)
    write_json(name, results)
    print()
    print("\n".join(target_lines(results)))
    return results
