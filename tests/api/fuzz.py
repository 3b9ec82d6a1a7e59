"""`make fuzz`: schemathesis against the running application.

1. creates its own PostgreSQL database (the one of NEUEWEGE_TEST_POSTGRES_URL with ``_fuzz``
   appended to its name), migrates it and loads the demo data;
2. creates API tokens for the demo coordinator of Kreis Wesel and the state level;
3. starts gunicorn on a free port of 127.0.0.1 (debug off, its own secret key);
4. runs schemathesis with every check against /api/v1/openapi.json, once per token, with a
   bounded number of cases per operation and a fixed seed (NEUEWEGE_FUZZ_SEED changes it,
   NEUEWEGE_FUZZ_EXAMPLES the cases per operation and phase);
5. stops the server (also on failure or Ctrl+C) and drops the database.

A failure exits non-zero and names where the failing cases are: schemathesis prints each with
a curl command to reproduce it, the JUnit reports and the server's log stay in var/fuzz/.
"""

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / ".venv" / "bin"
OUT = ROOT / "var" / "fuzz"
EXAMPLES = int(os.environ.get("NEUEWEGE_FUZZ_EXAMPLES", "15"))
SEED = int(os.environ.get("NEUEWEGE_FUZZ_SEED", "2015"))
ACCOUNTS = {
    "coordinator": "koordination.wesel@demo.neuewege.example",
    "state": "land@demo.neuewege.example",
}
# The coverage phase (the schema's boundaries, a fixed set of cases that takes most of the time)
# runs once, as the coordinator; the state level gets the examples, random and stateful cases.
PHASES = {
    "coordinator": "examples,coverage,fuzzing,stateful",
    "state": "examples,fuzzing,stateful",
}

MAKE_TOKENS = """
import json, sys
import django
django.setup()
from neuewege.core.models import User
from neuewege.core.services import create_api_token
accounts = json.loads(sys.argv[1])
print(json.dumps({
    name: create_api_token(user=User.objects.get(email=email), name="fuzz")[1]
    for name, email in accounts.items()
}))
"""


def fuzz_database_url() -> str:
    base = os.environ.get("NEUEWEGE_TEST_POSTGRES_URL", "")
    if not base:
        sys.exit(
            "make fuzz needs PostgreSQL: set NEUEWEGE_TEST_POSTGRES_URL, e.g. "
            "postgresql://postgres@127.0.0.1:5432/postgres (a database <name>_fuzz is used)"
        )
    parts = urlsplit(base)
    return urlunsplit(parts._replace(path=f"{parts.path.strip('/') or 'postgres'}_fuzz"))


def recreate(url: str, *, create: bool = True):
    parts = urlsplit(url)
    name = parts.path.strip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        if create:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def run(*args, env, capture=False) -> str:
    done = subprocess.run(
        [str(arg) for arg in args],
        env=env,
        cwd=ROOT,
        check=False,
        text=True,
        capture_output=capture,
    )
    if done.returncode != 0:
        command = " ".join(map(str, args[:3]))
        sys.exit(f"{command} … failed ({done.returncode})\n{done.stderr or ''}")
    return done.stdout if capture else ""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_up(base: str, server: subprocess.Popen, seconds: int = 60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"the server stopped ({server.returncode}); see {OUT / 'server.log'}")
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    sys.exit(f"the server did not answer within {seconds} s; see {OUT / 'server.log'}")


def stop(server: subprocess.Popen):
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def main() -> int:
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    started = time.monotonic()
    database = fuzz_database_url()
    OUT.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "DATABASE_URL": database,
        "NEUEWEGE_DEBUG": "0",
        "NEUEWEGE_SECRET_KEY": secrets.token_urlsafe(50),
        "NEUEWEGE_VAR_DIR": str(OUT / "var"),
        "NEUEWEGE_CACHE_URL": "",
        "NEUEWEGE_TASKS": "immediate",
        "NEUEWEGE_LOG_LEVEL": "WARNING",
        "NEUEWEGE_PROXY_COUNT": "1",  # each request names its address (fuzz_hooks.py)
        "DJANGO_SETTINGS_MODULE": "neuewege.settings",
    }
    recreate(database)
    server = None
    try:
        run(BIN / "neuewege", "migrate", "--no-input", "-v", "0", env=env)
        run(BIN / "neuewege", "demo", "--scale", "demo", env=env, capture=True)
        tokens = json.loads(
            run(BIN / "python", "-c", MAKE_TOKENS, json.dumps(ACCOUNTS), env=env, capture=True)
        )
        print(
            f"fuzz: database {urlsplit(database).path.strip('/')} ready in "
            f"{time.monotonic() - started:.0f} s",
            flush=True,
        )
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        with open(OUT / "server.log", "w") as log:
            server = subprocess.Popen(
                [
                    str(BIN / "gunicorn"),
                    "neuewege.wsgi",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    "2",
                    "--timeout",
                    "30",
                    # the API answers long query strings itself (422), not gunicorn (414 in HTML)
                    "--limit-request-line",
                    "0",
                ],
                env=env,
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        wait_until_up(base, server)
        for name, token in tokens.items():  # a fuzz that only ever hears 401 would pass
            request = urllib.request.Request(  # noqa: S310 - our own server
                base + "/api/v1/regions", headers={"Authorization": f"Bearer {token}"}
            )
            try:
                urllib.request.urlopen(request, timeout=10).close()  # noqa: S310
            except OSError as error:
                sys.exit(f"fuzz: the {name}'s API token is refused ({error}); nothing was tested")
        failed = []
        for name, token in tokens.items():
            print(f"\nfuzz: schemathesis as the {name} (seed {SEED}, ≤ {EXAMPLES} cases each)")
            report = OUT / name
            shutil.rmtree(report, ignore_errors=True)
            done = subprocess.run(
                [
                    str(BIN / "st"),
                    "run",
                    f"{base}/api/v1/openapi.json",
                    "--checks",
                    "all",
                    "--header",
                    f"Authorization: Bearer {token}",
                    "--phases",
                    PHASES[name],
                    "--max-examples",
                    str(EXAMPLES),
                    "--seed",
                    str(SEED),
                    "--request-timeout",
                    "30",
                    "--report",
                    "junit",
                    "--report-dir",
                    str(report),
                    "--output-sanitize",
                    "true",
                ],
                env={
                    **os.environ,
                    "SCHEMATHESIS_HOOKS": "tests.api.fuzz_hooks",
                    "PYTHONPATH": str(ROOT),
                },
                cwd=ROOT,
                check=False,
            )
            if done.returncode != 0:
                failed.append(f"{name}: {report}/junit-*.xml")
        seconds = time.monotonic() - started
        server_errors = (OUT / "server.log").read_text().count("Internal Server Error")
        if failed:
            print(
                f"\nfuzz: FAILED after {seconds:.0f} s (seed {SEED}). The failing cases, each with "
                "a curl command to reproduce it, are listed above; reports: "
                + "; ".join(failed)
                + f"; the server's log ({server_errors} server errors): {OUT / 'server.log'}"
            )
        else:
            print(f"\nfuzz: no failures in {seconds:.0f} s (seed {SEED}, {EXAMPLES} cases)")
        print(f"fuzz: {len(tokens) - len(failed)} passed, {len(failed)} failed")
        return 1 if failed else 0
    finally:
        if server is not None:
            stop(server)
        recreate(database, create=False)


if __name__ == "__main__":
    sys.exit(main())
