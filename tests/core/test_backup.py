"""`neuewege backup` and `neuewege restore` (core/backup.py) as an operator runs them: each in a
process of its own, on real databases (SQLite files; PostgreSQL databases created on the server
of NEUEWEGE_TEST_POSTGRES_URL) and real files. A source installation gets the demo data and a
few more uploaded files, is backed up, and the archive is restored into empty installations
(or, changed, refused by them)."""

import gzip
import hashlib
import io
import json
import os
import secrets
import sqlite3
import subprocess
import sys
import tarfile
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from psycopg import sql

EXTRA_MEDIA = {
    "materials/2026/Übersicht März – Eltern.pdf": b"%PDF-1.7\n" + "ä€".encode() * 500,
    "imports/binary.bin": bytes(range(256)) * 1200,
    "a/b/c/empty.txt": b"",
}


@dataclass
class Site:
    """One installation: a database and a directory for its files (NEUEWEGE_VAR_DIR)."""

    database_url: str
    var: Path

    @property
    def media(self) -> Path:
        return self.var / "media"

    def environment(self) -> dict[str, str]:
        env = {
            k: v
            for k, v in os.environ.items()
            if k not in {"DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "NEUEWEGE_DEBUG"}
        }
        return env | {"DATABASE_URL": self.database_url, "NEUEWEGE_VAR_DIR": str(self.var)}

    def run(self, *args) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "neuewege.cli", *map(str, args)],
            env=self.environment(),
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )

    def ok(self, *args) -> str:
        done = self.run(*args)
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    def refuses(self, *args) -> str:
        done = self.run(*args)
        assert done.returncode != 0, done.stdout
        assert "Traceback" not in done.stderr, done.stderr
        return " ".join(done.stderr.split())


def build_source(site: Site, archive: Path):
    site.ok("migrate", "--no-input", "-v", "0")
    site.ok("demo", "--scale", "demo")
    for name, content in EXTRA_MEDIA.items():
        (site.media / name).parent.mkdir(parents=True, exist_ok=True)
        (site.media / name).write_bytes(content)
    assert "Backup written to" in site.ok("backup", archive)


def media_checksums(media: Path) -> dict[str, str]:
    if not media.exists():
        return {}
    return {
        p.relative_to(media).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in media.rglob("*")
        if p.is_file()
    }


def files_under(directory: Path) -> list[str]:
    return sorted(str(p) for p in directory.rglob("*") if p.is_file()) if directory.exists() else []


def sqlite_tables(path: Path) -> dict[str, list]:
    with closing(sqlite3.connect(path)) as database:
        names = [
            row[0]
            for row in database.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {
            name: sorted(database.execute(f'SELECT * FROM "{name}"').fetchall(), key=repr)  # noqa: S608
            for name in names
        }


def read_archive(archive: Path) -> dict[str, bytes]:
    with tarfile.open(archive, "r:gz") as tar:
        return {m.name: tar.extractfile(m).read() for m in tar.getmembers()}


def rebuild(archive: Path, out: Path, *, members=None, manifest=None, fix_checksums=False):
    """A copy of ``archive`` with its members and manifest changed (the manifest last)."""
    contents = read_archive(archive)
    listed = json.loads(contents.pop("manifest.json"))
    if members:
        members(contents)
    if fix_checksums:
        listed["members"] = {
            name: {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
            for name, data in contents.items()
        }
    if manifest:
        manifest(listed)
    return write_archive(out, contents | {"manifest.json": json.dumps(listed).encode()})


def write_archive(out: Path, contents: dict[str, bytes]) -> Path:
    with tarfile.open(out, "w:gz") as tar:
        for name, data in contents.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return out


def write(out: Path, data: bytes) -> Path:
    out.write_bytes(data)
    return out


def first_media(contents: dict) -> str:
    return sorted(name for name in contents if name.startswith("media/") and contents[name])[0]


@pytest.fixture(scope="module")
def sqlite_source(tmp_path_factory):
    directory = tmp_path_factory.mktemp("sqlite-source")
    site = Site(f"sqlite:///{directory / 'source.sqlite3'}", directory / "var")
    archive = directory / "backup.tar.gz"
    build_source(site, archive)
    return site, archive


@pytest.fixture
def empty_sqlite_site(tmp_path):
    return Site(f"sqlite:///{tmp_path / 'target.sqlite3'}", tmp_path / "var")


def assert_nothing_restored(site: Site, tmp_path: Path):
    """No database file, no uploaded file, nothing left of the unpacking."""
    assert not (tmp_path / "target.sqlite3").exists()
    assert files_under(site.var) == []


# --- SQLite ---------------------------------------------------------------------------------


def test_restored_into_an_empty_database_it_has_the_same_rows_and_files(
    sqlite_source, empty_sqlite_site, tmp_path
):
    source, archive = sqlite_source
    before = sqlite_tables(Path(urlsplit(source.database_url).path))
    assert len(before) > 40 and len(before["core_person"]) > 100

    out = empty_sqlite_site.ok("restore", archive)
    assert "SQLite database and 8 uploaded file(s)" in out, out

    after = sqlite_tables(tmp_path / "target.sqlite3")
    assert {t: len(rows) for t, rows in after.items()} == {t: len(r) for t, r in before.items()}
    for table in ("core_user", "core_person", "events_registration", "django_migrations"):
        assert after[table] == before[table], table
    assert after == before
    assert media_checksums(empty_sqlite_site.media) == media_checksums(source.media)
    assert len(media_checksums(source.media)) == 5 + len(EXTRA_MEDIA)
    empty_sqlite_site.ok("migrate", "--check")  # nothing left to apply


def test_the_archive_carries_a_manifest_with_checksums_and_the_migration_state(sqlite_source):
    _source, archive = sqlite_source
    assert archive.stat().st_mode & 0o777 == 0o600  # it holds personal data
    contents = read_archive(archive)
    assert list(contents)[-1] == "manifest.json"
    manifest = json.loads(contents.pop("manifest.json"))
    assert manifest["format"] == "neuewege-backup" and manifest["format_version"] == 1
    assert manifest["created_at"].endswith("+00:00")
    assert manifest["database"]["vendor"] == "sqlite"
    latest_core = sorted(
        p.stem for p in (Path(__file__).parents[2] / "src/neuewege/core/migrations").glob("0*.py")
    )[-1]
    assert manifest["migrations"]["core"] == [latest_core]
    assert {"events", "cooperation", "evaluation", "auth"} <= set(manifest["migrations"])
    assert set(manifest["members"]) == set(contents)
    for name, data in contents.items():
        listed = manifest["members"][name]
        assert (listed["size"], listed["sha256"]) == (len(data), hashlib.sha256(data).hexdigest())
    for name, data in EXTRA_MEDIA.items():
        assert contents[f"media/{name}"] == data


def test_a_backup_never_overwrites_a_file(sqlite_source):
    source, archive = sqlite_source
    before = archive.read_bytes()
    assert "exists already" in source.refuses("backup", archive)
    assert archive.read_bytes() == before


def test_a_database_that_is_not_empty_is_refused_and_left_as_it_was(sqlite_source, tmp_path):
    source, archive = sqlite_source
    database = Path(urlsplit(source.database_url).path)
    before, files = sqlite_tables(database), media_checksums(source.media)
    message = source.refuses("restore", archive)
    tables = f"is not empty: it has {len(before)} table(s) (agreements_agreement, agreements_"
    assert tables in message, message
    assert "Nothing was changed" in message
    assert sqlite_tables(database) == before
    assert media_checksums(source.media) == files


def test_a_database_with_an_empty_table_counts_as_not_empty(
    sqlite_source, empty_sqlite_site, tmp_path
):
    """Only a database without tables is empty (``migrate`` writes rows, too, e.g. regions)."""
    _source, archive = sqlite_source
    with closing(sqlite3.connect(tmp_path / "target.sqlite3")) as database:
        database.execute("CREATE TABLE django_migrations (id integer PRIMARY KEY)")
    message = empty_sqlite_site.refuses("restore", archive)
    assert "is not empty: it has 1 table(s) (django_migrations)" in message, message
    assert sqlite_tables(tmp_path / "target.sqlite3") == {"django_migrations": []}


def test_uploaded_files_already_there_are_refused(sqlite_source, empty_sqlite_site, tmp_path):
    _source, archive = sqlite_source
    (empty_sqlite_site.media / "materials").mkdir(parents=True)
    (empty_sqlite_site.media / "materials" / "own.pdf").write_bytes(b"mine")
    message = empty_sqlite_site.refuses("restore", archive)
    assert "MEDIA_ROOT" in message and "is not empty" in message and "own.pdf" in message
    assert not (tmp_path / "target.sqlite3").exists()
    assert files_under(empty_sqlite_site.var) == [
        str(empty_sqlite_site.media / "materials/own.pdf")
    ]


def truncated(archive, out):
    return write(out, archive.read_bytes()[: archive.stat().st_size // 2])


def flipped_byte(archive, out):
    data = bytearray(archive.read_bytes())
    data[len(data) // 3] ^= 0xFF
    return write(out, bytes(data))


DAMAGED = {
    "truncated": (truncated, "is damaged: it cannot be read to its end"),
    "a flipped byte": (flipped_byte, "is damaged"),
    "a changed file": (
        lambda a, out: rebuild(
            a, out, members=lambda c: c.update({first_media(c): b"x" * len(c[first_media(c)])})
        ),
        "does not match its manifest",
    ),
    "a file of another size": (
        lambda a, out: rebuild(a, out, members=lambda c: c.update({first_media(c): b"short"})),
        "has 5 bytes, the manifest says",
    ),
    "a missing file": (
        lambda a, out: rebuild(a, out, members=lambda c: c.pop(first_media(c))),
        "members are missing: media/",
    ),
    "a file the manifest does not list": (
        lambda a, out: rebuild(a, out, members=lambda c: c.update({"media/extra.txt": b"x"})),
        "members its manifest does not list: media/extra.txt",
    ),
    "an unsound database with matching checksums": (
        lambda a, out: rebuild(
            a,
            out,
            members=lambda c: c.update({"database.sqlite3": c["database.sqlite3"][:40000]}),
            fix_checksums=True,
        ),
        "its database is no sound SQLite database",
    ),
    "no tar file": (
        lambda a, out: write(out, b"%PDF-1.7 something else"),
        "is not a backup archive of Neue Wege: it is no gzip-compressed tar file",
    ),
    "an empty file": (
        lambda a, out: write(out, b""),
        "is not a backup archive of Neue Wege",
    ),
    "gzip, but no tar file": (
        lambda a, out: write(out, gzip.compress(b"hello " * 1000)),
        "is not a backup archive of Neue Wege",
    ),
    "an uncompressed tar file": (
        lambda a, out: write(out, gzip.decompress(a.read_bytes())),
        "is not a backup archive of Neue Wege",
    ),
}


def with_member(name, data=b"x", kind=tarfile.REGTYPE, target=""):
    def build(archive, out):
        contents = read_archive(archive)
        with tarfile.open(out, "w:gz") as tar:
            for member, content in contents.items():
                if member == "manifest.json":
                    info = tarfile.TarInfo(name)
                    info.size, info.type, info.linkname = len(data), kind, target
                    tar.addfile(info, io.BytesIO(data) if kind == tarfile.REGTYPE else None)
                info = tarfile.TarInfo(member)
                info.size = len(content)
                tar.addfile(info, io.BytesIO(content))
        return out

    return build


def with_manifest(change):
    return lambda archive, out: rebuild(archive, out, manifest=change)


FOREIGN = {
    "no manifest": (
        lambda a, out: write_archive(out, without_manifest(a)),
        "has no manifest.json: it is not a backup of Neue Wege, or it is incomplete",
    ),
    "a manifest that is no JSON": (
        lambda a, out: write_archive(out, without_manifest(a) | {"manifest.json": b"{not"}),
        "its manifest.json is no valid JSON",
    ),
    "another format": (
        with_manifest(lambda m: m.update(format="other-backup")),
        "does not describe a backup of Neue Wege",
    ),
    "another format version": (
        with_manifest(lambda m: m.update(format_version=2)),
        "it has the backup format version 2; this version of Neue Wege restores version 1",
    ),
    "an incomplete manifest": (
        with_manifest(lambda m: m.pop("members")),
        "its manifest.json is incomplete",
    ),
    "a PostgreSQL database": (
        with_manifest(lambda m: m["database"].update(vendor="postgresql")),
        "The archive holds a PostgreSQL database, but the target database is SQLite",
    ),
    "migrations this code does not know": (
        with_manifest(lambda m: m["migrations"]["core"].append("0099_from_the_future")),
        "migrations this version of Neue Wege does not know: core.0099_from_the_future",
    ),
    "a name that climbs out": (
        with_member("../escaped.txt"),
        "the member name '../escaped.txt' points outside the archive",
    ),
    "a name that climbs out under media/": (
        with_member("media/../../escaped.txt"),
        "points outside the archive",
    ),
    "an absolute name": (with_member("/var/escaped.txt"), "points outside the archive"),
    "a symbolic link": (
        with_member("media/link", kind=tarfile.SYMTYPE, target="/etc/passwd"),
        "the member media/link is not a plain file",
    ),
    "a hard link": (
        with_member("media/hard", kind=tarfile.LNKTYPE, target="database.sqlite3"),
        "the member media/hard is not a plain file",
    ),
    "a member a backup does not have": (
        with_member("escaped.txt"),
        "it has a member a backup does not have: escaped.txt",
    ),
}


def without_manifest(archive):
    contents = read_archive(archive)
    del contents["manifest.json"]
    return contents


TOO_LARGE = {
    "an archive larger than the limit (--max-size)": (
        lambda a, out: write(out, a.read_bytes()),
        "would unpack to more than 1.0 MB (the limit; a larger backup needs --max-size)",
    )
}

RESTORE_ALL = """
import json, sys
from pathlib import Path
import django
django.setup()
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

results = {}
for case, arguments in json.loads(sys.argv[1]).items():
    try:
        call_command("restore", *arguments)
        error = None
    except CommandError as refusal:
        error = str(refusal)
    var = Path(settings.VAR_DIR)
    results[case] = {
        "error": error,
        "database": Path(settings.DATABASES["default"]["NAME"]).exists(),
        "files": sorted(str(p.relative_to(var)) for p in var.rglob("*") if p.is_file()),
    }
print(json.dumps(results))
"""


@pytest.fixture(scope="module")
def refusals(sqlite_source, tmp_path_factory):
    """Every damaged and foreign archive restored, one after the other, into the same empty
    installation by one process (which saves starting one per case): what each restore said
    and what the installation held after it."""
    _source, archive = sqlite_source
    directory = tmp_path_factory.mktemp("refusals")
    site = Site(f"sqlite:///{directory / 'target.sqlite3'}", directory / "var")
    arguments = {}
    for number, (case, (make, _expected)) in enumerate((DAMAGED | FOREIGN | TOO_LARGE).items()):
        path = make(archive, directory / f"{number}.tar.gz")
        arguments[case] = [str(path)] + (["--max-size", "0.001"] if case in TOO_LARGE else [])
    done = subprocess.run(
        [sys.executable, "-c", RESTORE_ALL, json.dumps(arguments)],
        env=site.environment(),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


@pytest.mark.parametrize("case", DAMAGED)
def test_a_damaged_archive_is_refused_and_nothing_is_restored(case, refusals):
    assert_refused(refusals[case], DAMAGED[case][1])


@pytest.mark.parametrize("case", FOREIGN)
def test_a_foreign_archive_is_refused_and_nothing_is_restored(case, refusals):
    assert_refused(refusals[case], FOREIGN[case][1])


@pytest.mark.parametrize("case", TOO_LARGE)
def test_an_archive_larger_than_the_limit_is_refused_before_it_is_unpacked(case, refusals):
    assert_refused(refusals[case], TOO_LARGE[case][1])


def assert_refused(result, expected):
    """Refused with a message naming what is wrong; no database, no file, nothing left of the
    unpacking (the unpacking happens under MEDIA_ROOT)."""
    assert result["error"] is not None, "restored"
    message = " ".join(result["error"].split())
    assert expected in message, message
    assert message.endswith("Nothing was changed."), message
    assert not result["database"]
    assert result["files"] == []


# --- PostgreSQL -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def postgres_databases():
    """Creates empty databases on the server of NEUEWEGE_TEST_POSTGRES_URL (named after its
    database, with ``_backup_`` and a random part) and drops them afterwards."""
    base = os.environ.get("NEUEWEGE_TEST_POSTGRES_URL")
    if not base:  # the PostgreSQL pass of make test sets it; the SQLite pass leaves these out
        pytest.fail(
            "NEUEWEGE_TEST_POSTGRES_URL is not set: the backup tests marked postgres need a "
            "PostgreSQL server (or run with -m 'not postgres')"
        )
    parts = urlsplit(base)
    admin = urlunsplit(parts._replace(path="/postgres"))
    created = []

    def create(purpose):
        name = f"{parts.path.strip('/') or 'postgres'}_backup_{purpose}_{secrets.token_hex(3)}"
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        created.append(name)
        return urlunsplit(parts._replace(path=f"/{name}"))

    yield create
    with psycopg.connect(admin, autocommit=True) as connection:
        for name in created:
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def postgres_tables(url: str) -> dict[str, list]:
    with psycopg.connect(url) as connection:
        names = [
            row[0]
            for row in connection.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
            )
        ]
        tables = {
            name: sorted(
                connection.execute(sql.SQL("SELECT * FROM {}").format(sql.Identifier(name))),
                key=repr,
            )
            for name in names
        }
        sequences = connection.execute(
            "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'"
        ).fetchall()
        return tables | {"(sequences)": sorted(sequences, key=repr)}


@pytest.fixture(scope="module")
def postgres_source(postgres_databases, tmp_path_factory):
    directory = tmp_path_factory.mktemp("postgres-source")
    site = Site(postgres_databases("source"), directory / "var")
    archive = directory / "backup.tar.gz"
    build_source(site, archive)
    return site, archive


@pytest.mark.postgres
def test_postgresql_restored_into_an_empty_database_has_the_same_rows_and_files(
    postgres_source, postgres_databases, tmp_path
):
    source, archive = postgres_source
    assert "database.pgdump" in read_archive(archive)
    before = postgres_tables(source.database_url)
    assert len(before) > 40 and len(before["core_person"]) > 100
    target = Site(postgres_databases("target"), tmp_path / "var")
    out = target.ok("restore", archive)
    assert "PostgreSQL database and 8 uploaded file(s)" in out, out
    after = postgres_tables(target.database_url)
    assert {t: len(rows) for t, rows in after.items()} == {t: len(r) for t, r in before.items()}
    for table in ("core_user", "core_person", "events_registration", "(sequences)"):
        assert after[table] == before[table], table
    assert after == before
    assert media_checksums(target.media) == media_checksums(source.media)
    target.ok("migrate", "--check")


@pytest.mark.postgres
def test_postgresql_that_is_not_empty_is_refused_and_left_as_it_was(postgres_source):
    source, archive = postgres_source
    before, files = postgres_tables(source.database_url), media_checksums(source.media)
    message = source.refuses("restore", archive)
    assert "is not empty: it has" in message and "Nothing was changed" in message, message
    assert postgres_tables(source.database_url) == before
    assert media_checksums(source.media) == files


@pytest.mark.postgres
def test_a_dump_that_fails_halfway_leaves_the_postgresql_database_empty(
    postgres_source, postgres_databases, tmp_path
):
    """The checksums match, but the dump ends after three quarters: pg_restore has created the
    tables and loaded some of them when it fails. Its one transaction is rolled back: no table
    stays, no file is written."""
    _source, archive = postgres_source
    dump = read_archive(archive)["database.pgdump"]
    cut = dump[: len(dump) * 3 // 4]
    # the cut dump fails halfway: without one transaction it would leave tables behind
    (tmp_path / "cut.pgdump").write_bytes(cut)
    witness = postgres_databases("witness")
    done = subprocess.run(
        [
            "pg_restore",
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            f"--dbname={witness}",
            tmp_path / "cut.pgdump",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode != 0 and "end of file" in done.stderr, done.stderr
    assert len(postgres_tables(witness)) > 40

    damaged = rebuild(
        archive,
        tmp_path / "cut.tar.gz",
        members=lambda c: c.update({"database.pgdump": cut}),
        fix_checksums=True,
    )
    target = Site(postgres_databases("halfway"), tmp_path / "var")
    message = target.refuses("restore", damaged)
    assert "pg_restore failed; the target database is unchanged" in message, message
    assert "end of file" in message
    assert postgres_tables(target.database_url) == {"(sequences)": []}
    assert files_under(target.var) == []


@pytest.mark.postgres
def test_an_archive_of_the_other_database_vendor_is_refused(
    postgres_source, sqlite_source, postgres_databases, empty_sqlite_site, tmp_path
):
    _source, postgres_archive = postgres_source
    message = empty_sqlite_site.refuses("restore", postgres_archive)
    assert "holds a PostgreSQL database, but the target database is SQLite" in message
    assert_nothing_restored(empty_sqlite_site, tmp_path)

    target = Site(postgres_databases("vendor"), tmp_path / "pg-var")
    message = target.refuses("restore", sqlite_source[1])
    assert "holds a SQLite database, but the target database is PostgreSQL" in message
    assert postgres_tables(target.database_url) == {"(sequences)": []}
    assert files_under(target.var) == []
