"""Backup and restore: one archive with the database, the uploaded files and a manifest.

The archive is a gzip-compressed tar file with these members:

- ``database.sqlite3`` (SQLite, a copy made with SQLite's online backup API) or
  ``database.pgdump`` (PostgreSQL, ``pg_dump --format=custom``);
- ``media/…``: every file under ``MEDIA_ROOT`` (the uploaded materials);
- ``manifest.json``, written last: the format and its version, when the backup was made, the
  database vendor, the latest applied migrations of each app, and the size and SHA-256 checksum
  of every other member.

A restore goes into an *empty* database: one without any table (a database just created with
``createdb`` or a SQLite file that does not exist yet; not one that ``migrate`` has prepared,
because the migrations already write rows such as the regions) and an ``MEDIA_ROOT`` without
files. The archive is read twice: first the headers and the manifest (names, sizes, the
manifest's promises, whether it fits this installation), before anything is written; then
the members are unpacked into a directory of their own, each checked against its checksum.
Only then is the database restored, on PostgreSQL by ``pg_restore --single-transaction``, on
SQLite into a temporary file that replaces the target when it is complete, and the files are
moved into ``MEDIA_ROOT``. A refused archive changes nothing.
"""

import hashlib
import importlib.metadata
import io
import json
import os
import re
import secrets
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader

FORMAT = "neuewege-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MEDIA = "media"
DATABASE_MEMBERS = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
VENDOR_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
# A restore refuses archives that would unpack to more than this (the command's --max-size)
MAX_UNPACKED_BYTES = 20 * 1024**3
MAX_MANIFEST_BYTES = 64 * 1024**2
STAGING_PREFIX = ".neuewege-restore-"
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why, for the operator."""


@dataclass
class BackupResult:
    path: Path
    vendor: str
    media_files: int
    size: int


@dataclass
class RestoreResult:
    vendor: str
    created_at: str
    media_files: int
    media_bytes: int
    pending_migrations: list[str] = field(default_factory=list)


# --- backup -------------------------------------------------------------------------------


def backup(destination: Path | None = None, *, using: str = DEFAULT_DB_ALIAS) -> BackupResult:
    """Writes the archive to ``destination`` (a file that does not exist yet, or a directory;
    default ``VAR_DIR/backups``). It is written under a temporary name and renamed when
    complete, readable by its owner only (it holds personal data)."""
    connection = connections[using]
    vendor = supported_vendor(connection)
    path = archive_path(destination)
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(prefix="neuewege-backup-") as work:
        dump = Path(work) / DATABASE_MEMBERS[vendor]
        if vendor == "sqlite":
            database = dump_sqlite(connection, dump)
        else:
            database = dump_postgresql(connection, dump)
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "application_version": application_version(),
            "database": {"vendor": vendor, "member": dump.name, **database},
            "migrations": migration_state(connection),
            "members": {},
        }
        media = media_files(media_root)
        descriptor, partial = tempfile.mkstemp(
            dir=path.parent, prefix=f".{path.name}.", suffix=".partial"
        )
        try:
            with (
                os.fdopen(descriptor, "wb") as raw,
                tarfile.open(fileobj=raw, mode="w:gz") as archive,
            ):
                manifest["members"][dump.name] = add_file(archive, dump, dump.name)
                for file in media:
                    name = f"{MEDIA}/{file.relative_to(media_root).as_posix()}"
                    manifest["members"][name] = add_file(archive, file, name)
                content = json.dumps(manifest, indent=2, ensure_ascii=False).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mode = len(content), 0o600
                info.mtime = int(datetime.now(UTC).timestamp())
                archive.addfile(info, io.BytesIO(content))
            os.replace(partial, path)
        except BaseException:
            Path(partial).unlink(missing_ok=True)
            raise
    return BackupResult(path=path, vendor=vendor, media_files=len(media), size=path.stat().st_size)


def archive_path(destination: Path | None) -> Path:
    name = f"neuewege-{datetime.now(UTC):%Y%m%d-%H%M%S}.tar.gz"
    if destination is None:
        destination = Path(settings.VAR_DIR) / "backups"
        destination.mkdir(parents=True, exist_ok=True)
    destination = Path(destination)
    if destination.is_dir():
        destination = destination / name
    if destination.exists():
        raise BackupError(f"{destination} exists already; a backup never overwrites a file.")
    if not destination.parent.is_dir():
        raise BackupError(f"{destination.parent}: no such directory.")
    return destination


def dump_sqlite(connection, dump: Path) -> dict:
    connection.ensure_connection()
    with closing(sqlite3.connect(dump)) as target:
        connection.connection.backup(target)
    return {"sqlite_version": sqlite3.sqlite_version}


def dump_postgresql(connection, dump: Path) -> dict:
    server = server_major(connection)
    program, tool = postgresql_tool("pg_dump")
    if tool < server:
        raise BackupError(
            f"pg_dump {tool} cannot back up a PostgreSQL {server} server: install the client"
            f" tools of version {server} (Debian: apt-get install postgresql-client-{server})."
        )
    run_postgresql_tool(
        connection, program, "--format=custom", f"--file={dump}", what="pg_dump failed"
    )
    return {"server_version": server, "pg_dump_version": tool}


def add_file(archive: tarfile.TarFile, path: Path, name: str) -> dict:
    """Adds one file, checksummed as it is written (so that the manifest describes exactly
    what is in the archive, even if the file changes meanwhile)."""
    try:
        with path.open("rb") as file:
            size = os.fstat(file.fileno()).st_size
            info = tarfile.TarInfo(name)
            info.size, info.mode, info.mtime = size, 0o600, int(path.stat().st_mtime)
            reader = _HashingReader(file)
            archive.addfile(info, reader)
    except OSError as error:
        raise BackupError(f"{path} could not be read ({error}); run the backup again.") from error
    return {"size": size, "sha256": reader.digest.hexdigest()}


def media_files(media_root: Path) -> list[Path]:
    if not media_root.is_dir():
        return []
    files = []
    for directory, subdirectories, names in os.walk(media_root):
        subdirectories[:] = sorted(d for d in subdirectories if not d.startswith(STAGING_PREFIX))
        files += [Path(directory) / name for name in sorted(names)]
    return [file for file in files if file.is_file()]


def migration_state(connection) -> dict[str, list[str]]:
    """The latest applied migrations of each app (usually one per app)."""
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    applied = set(loader.applied_migrations)
    state = {}
    for app, name in sorted(applied):
        node = loader.graph.node_map.get((app, name))
        later = node and any(c.key[0] == app and c.key in applied for c in node.children)
        if not later:
            state.setdefault(app, []).append(name)
    return state


def application_version() -> str:
    try:
        return importlib.metadata.version("neuewege")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


# --- restore ------------------------------------------------------------------------------


def restore(
    archive: Path, *, using: str = DEFAULT_DB_ALIAS, max_bytes: int = MAX_UNPACKED_BYTES
) -> RestoreResult:
    connection = connections[using]
    vendor = supported_vendor(connection)
    archive = Path(archive)
    if not archive.is_file():
        raise BackupError(f"{archive}: no such file.")
    media_root = Path(settings.MEDIA_ROOT)
    check_empty_database(connection)
    check_empty_media(media_root)

    sizes, manifest = read_contents(archive, max_bytes)
    check_manifest(manifest, sizes, vendor)
    unpacked = sum(sizes.values())
    created_media_root = not media_root.exists()
    media_root.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=media_root))
    moved = False
    try:
        free = shutil.disk_usage(staging).free
        if unpacked > free:
            raise BackupError(
                f"{archive.name} unpacks to {megabytes(unpacked)}, but only {megabytes(free)}"
                f" are free in {media_root}. Nothing was changed."
            )
        unpack(archive, staging, manifest)
        dump = staging / manifest["database"]["member"]
        if vendor == "sqlite":
            restore_sqlite(connection, dump)
        else:
            restore_postgresql(connection, dump, manifest)
        files = move_media(staging / MEDIA, media_root)
        moved = True
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        if created_media_root and not moved and not any(media_root.iterdir()):
            media_root.rmdir()
    media = [m for name, m in manifest["members"].items() if name.startswith(f"{MEDIA}/")]
    return RestoreResult(
        vendor=vendor,
        created_at=manifest["created_at"],
        media_files=files,
        media_bytes=sum(m["size"] for m in media),
        pending_migrations=pending_migrations(connection),
    )


def check_empty_database(connection):
    if connection.vendor == "sqlite" and not Path(connection.settings_dict["NAME"]).exists():
        return  # restored into a new file
    try:
        tables = connection.introspection.table_names(include_views=True)
    except DatabaseError as error:
        raise BackupError(
            f"The target database cannot be opened ({str(error).strip()}). Create it first,"
            " empty (e.g. createdb), and set DATABASE_URL to it."
        ) from error
    finally:
        connection.close()
    if tables:
        shown = ", ".join(sorted(tables)[:5]) + (", …" if len(tables) > 5 else "")
        raise BackupError(
            f"The target database {database_name(connection)} is not empty: it has"
            f" {len(tables)} table(s) ({shown}). A backup is restored only into an empty"
            " database: create a new one (createdb; for SQLite a file that does not exist yet)"
            " and do not run migrate on it before the restore. Nothing was changed."
        )


def check_empty_media(media_root: Path):
    if not media_root.exists():
        return
    if not media_root.is_dir():
        raise BackupError(f"MEDIA_ROOT {media_root} is not a directory. Nothing was changed.")
    files = [p for p in media_root.rglob("*") if not p.is_dir()]
    if files:
        raise BackupError(
            f"MEDIA_ROOT {media_root} is not empty: it holds {len(files)} file(s), e.g."
            f" {files[0].relative_to(media_root)}. A backup is restored only into an empty"
            " directory for uploaded files. Nothing was changed."
        )


def read_contents(archive: Path, max_bytes: int) -> tuple[dict[str, int], dict]:
    """First pass: the members' names, types and sizes, and the manifest; nothing is written.
    The compressed stream is read to its end, where gzip's checksum is checked: tarfile alone
    takes a damaged header for the end of the archive (or for a strange member)."""
    sizes = {}
    manifest = None
    unreadable = (tarfile.TarError, EOFError, zlib.error, OSError)
    try:
        tar = tarfile.open(archive, mode="r:gz")  # noqa: SIM115 (closed by the with below)
    except unreadable as error:
        raise BackupError(
            f"{archive.name} is not a backup archive of Neue Wege: it is no gzip-compressed tar"
            f" file ({error}). Nothing was changed."
        ) from error
    try:
        with tar:
            try:
                for member in tar:
                    name = checked_member(member)
                    if name in sizes:
                        raise BackupError(damaged(f"the member {name} appears twice."))
                    sizes[name] = member.size
                    if sum(sizes.values()) > max_bytes:
                        raise BackupError(
                            f"{archive.name} would unpack to more than {megabytes(max_bytes)}"
                            " (the limit; a larger backup needs --max-size). Nothing was changed."
                        )
                    if name == MANIFEST:
                        if member.size > MAX_MANIFEST_BYTES:
                            raise BackupError(damaged("its manifest is implausibly large."))
                        manifest = tar.extractfile(member).read()
            except BackupError:
                read_to_the_end(tar)  # a damaged stream explains a strange member best
                raise
            if read_to_the_end(tar):
                raise BackupError(damaged("there is data after the end of its last member."))
    except unreadable as error:
        raise BackupError(damaged(f"it cannot be read to its end ({error}).")) from error
    if manifest is None:
        raise BackupError(
            f"{archive.name} has no {MANIFEST}: it is not a backup of Neue Wege, or it is"
            " incomplete (the manifest is its last member). Nothing was changed."
        )
    sizes.pop(MANIFEST)
    try:
        manifest = json.loads(manifest)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BackupError(damaged(f"its {MANIFEST} is no valid JSON ({error}).")) from None
    if not isinstance(manifest, dict):
        raise BackupError(foreign(f"its {MANIFEST} is not the manifest of a backup."))
    return sizes, manifest


def read_to_the_end(tar: tarfile.TarFile) -> bool:
    """Reads the rest of the compressed stream (gzip checks its checksum at the end); whether
    any of it was not zero (data after the end of the archive)."""
    extra = False
    while chunk := tar.fileobj.read(CHUNK):
        extra = extra or bool(chunk.strip(b"\0"))
    return extra


def checked_member(member: tarfile.TarInfo) -> str:
    """A member's name, if it is a plain file at a name a backup has."""
    name = member.name
    path = PurePosixPath(name)
    if (
        not name
        or path.is_absolute()
        or "\\" in name
        or "\x00" in name
        or path.as_posix() != name
        or any(part in {"", ".", ".."} for part in path.parts)
    ):
        raise BackupError(foreign(f"the member name {name!r} points outside the archive."))
    if not member.isfile():
        raise BackupError(foreign(f"the member {name} is not a plain file (a link or device)."))
    known = name == MANIFEST or name in DATABASE_MEMBERS.values()
    if not known and (path.parts[0] != MEDIA or len(path.parts) < 2):
        raise BackupError(foreign(f"it has a member a backup does not have: {name}."))
    return name


def check_manifest(manifest: dict, sizes: dict[str, int], vendor: str):
    """The archive is a backup of this format, of this database vendor, with migrations this
    code knows, and has exactly the members its manifest lists, of the sizes listed."""
    if manifest.get("format") != FORMAT:
        raise BackupError(foreign(f"its {MANIFEST} does not describe a backup of Neue Wege."))
    version = manifest.get("format_version")
    if version != FORMAT_VERSION:
        raise BackupError(
            foreign(
                f"it has the backup format version {version!r}; this version of Neue Wege"
                f" restores version {FORMAT_VERSION}."
            )
        )
    members = manifest.get("members")
    database = manifest.get("database")
    migrations = manifest.get("migrations")
    if (
        not isinstance(members, dict)
        or not isinstance(database, dict)
        or not isinstance(migrations, dict)
        or not isinstance(manifest.get("created_at"), str)
        or not all(
            isinstance(m, dict)
            and isinstance(m.get("size"), int)
            and re.fullmatch(r"[0-9a-f]{64}", str(m.get("sha256")))
            for m in members.values()
        )
        or not all(
            isinstance(names, list) and all(isinstance(n, str) for n in names)
            for names in migrations.values()
        )
    ):
        raise BackupError(foreign(f"its {MANIFEST} is incomplete."))
    source = database.get("vendor")
    if source != vendor:
        raise BackupError(
            f"The archive holds a {VENDOR_NAMES.get(source, repr(source))} database, but the"
            f" target database is {VENDOR_NAMES[vendor]}: a backup is restored into a database"
            " of the same kind. Nothing was changed."
        )
    if database.get("member") != DATABASE_MEMBERS[vendor] or database["member"] not in members:
        raise BackupError(foreign(f"its {MANIFEST} names no database of {VENDOR_NAMES[vendor]}."))
    missing = sorted(set(members) - set(sizes))
    if missing:
        raise BackupError(damaged(f"members are missing: {listed(missing)}."))
    unlisted = sorted(set(sizes) - set(members))
    if unlisted:
        raise BackupError(damaged(f"members its manifest does not list: {listed(unlisted)}."))
    for name, size in sizes.items():
        if members[name]["size"] != size:
            raise BackupError(
                damaged(f"{name} has {size} bytes, the manifest says {members[name]['size']}.")
            )
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    unknown = [
        f"{app}.{name}"
        for app, names in sorted(migrations.items())
        for name in names
        if (app, name) not in graph.nodes
    ]
    if unknown:
        raise BackupError(
            f"The archive's database has migrations this version of Neue Wege does not know:"
            f" {listed(unknown)}. Restore it with the version that made the backup (or a newer"
            " one). Nothing was changed."
        )


def unpack(archive: Path, staging: Path, manifest: dict):
    """Second pass: every member except the manifest into ``staging``, each checked against the
    size and checksum of the manifest."""
    members = manifest["members"]
    written = set()
    try:
        with tarfile.open(archive, mode="r:gz") as tar:
            for member in tar:
                name = checked_member(member)
                if name == MANIFEST:
                    continue
                expected = members.get(name)
                if expected is None or name in written or expected["size"] != member.size:
                    raise BackupError(damaged("it changed while it was read."))
                target = staging.joinpath(*PurePosixPath(name).parts)
                if not target.resolve().is_relative_to(staging.resolve()):
                    raise BackupError(foreign(f"the member name {name!r} points outside."))
                target.parent.mkdir(parents=True, exist_ok=True)
                digest, size = hashlib.sha256(), 0
                source = tar.extractfile(member)
                with target.open("xb") as out:
                    while chunk := source.read(CHUNK):
                        size += len(chunk)
                        if size > expected["size"]:
                            raise BackupError(damaged(f"{name} is longer than listed."))
                        digest.update(chunk)
                        out.write(chunk)
                if size != expected["size"] or digest.hexdigest() != expected["sha256"]:
                    raise BackupError(
                        damaged(f"the checksum of {name} does not match its manifest.")
                    )
                written.add(name)
    except (tarfile.TarError, EOFError, zlib.error) as error:
        raise BackupError(damaged(f"it cannot be read to its end ({error}).")) from error
    except OSError as error:
        raise BackupError(
            f"The archive could not be unpacked: {error}. Nothing was changed."
        ) from error
    if written != set(members):
        raise BackupError(damaged(f"members are missing: {listed(set(members) - written)}."))


def restore_sqlite(connection, dump: Path):
    try:
        with closing(sqlite3.connect(dump)) as database:
            result = database.execute("PRAGMA integrity_check").fetchone()[0]
    except sqlite3.DatabaseError as error:
        result = str(error)
    if result != "ok":
        raise BackupError(damaged(f"its database is no sound SQLite database ({result})."))
    target = Path(connection.settings_dict["NAME"])
    connection.close()
    temporary = target.with_name(f".{target.name}.restore-{secrets.token_hex(4)}")
    try:
        shutil.move(dump, temporary)
        # the target is empty (checked): the files of its write-ahead log go with it
        for suffix in ("-wal", "-shm", "-journal"):
            target.with_name(target.name + suffix).unlink(missing_ok=True)
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)


def restore_postgresql(connection, dump: Path, manifest: dict):
    program, tool = postgresql_tool("pg_restore")
    made_by = manifest["database"].get("pg_dump_version")
    if not isinstance(made_by, int) or tool < made_by:
        raise BackupError(
            f"pg_restore {tool} cannot read a dump of pg_dump {made_by}: install the client"
            f" tools of version {made_by} or newer. Nothing was changed."
        )
    connection.close()
    # One transaction: a dump that fails anywhere leaves the database as it was (empty).
    run_postgresql_tool(
        connection,
        program,
        "--single-transaction",
        "--exit-on-error",
        "--no-owner",
        "--no-privileges",
        str(dump),
        what="pg_restore failed; the target database is unchanged",
    )


def move_media(staged: Path, media_root: Path) -> int:
    """Moves the unpacked files into ``MEDIA_ROOT`` (same file system: renames)."""
    if not staged.is_dir():
        return 0
    count = sum(1 for p in staged.rglob("*") if p.is_file())
    for entry in sorted(staged.iterdir()):
        destination = media_root / entry.name
        try:
            if destination.is_dir() and not any(p.is_file() for p in destination.rglob("*")):
                shutil.rmtree(destination)  # empty directories (MEDIA_ROOT held no files)
            os.rename(entry, destination)
        except OSError as error:
            raise BackupError(
                f"The database was restored, but the uploaded files could not be moved into"
                f" {media_root}: {error}. Unpack the members under media/ of the archive into"
                " MEDIA_ROOT by hand."
            ) from error
    return count


def pending_migrations(connection) -> list[str]:
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    connection.close()
    return [f"{migration.app_label}.{migration.name}" for migration, _ in plan]


# --- shared -------------------------------------------------------------------------------


def supported_vendor(connection) -> str:
    if connection.vendor not in DATABASE_MEMBERS:
        raise BackupError(f"Backups cover SQLite and PostgreSQL, not {connection.vendor}.")
    return connection.vendor


def server_major(connection) -> int:
    connection.ensure_connection()
    return connection.pg_version // 10000


def postgresql_tool(name: str) -> tuple[str, int]:
    """The path and major version of a PostgreSQL client program."""
    program = shutil.which(name)
    if program is None:
        raise BackupError(
            f"{name} is not installed: install the PostgreSQL client tools of the server's"
            " version (Debian: apt-get install postgresql-client-15)."
        )
    output = subprocess.run(  # noqa: S603 (a program found on PATH, fixed arguments)
        [program, "--version"], capture_output=True, text=True, check=False
    ).stdout
    found = re.search(r"\(PostgreSQL\) (\d+)", output)
    if not found:
        raise BackupError(f"{program} --version did not name a PostgreSQL version: {output!r}")
    return program, int(found[1])


def run_postgresql_tool(connection, program, *arguments, what):
    """Runs pg_dump or pg_restore against the connection's database, with the connection's
    host, port, user, password and SSL settings (the password in the environment only)."""
    settings_dict = connection.settings_dict
    _, client_env = connection.client.settings_to_cmd_args_env(settings_dict, [])
    options = settings_dict.get("OPTIONS", {})
    command = [program]
    for flag, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings_dict.get(key):
            command.append(f"{flag}={settings_dict[key]}")
    name = settings_dict.get("NAME") or (
        f"service={options['service']}" if options.get("service") else "postgres"
    )
    command += [f"--dbname={name}", *arguments]
    done = subprocess.run(  # noqa: S603 (no shell; arguments from the settings and the code)
        command,
        env=os.environ | (client_env or {}),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise BackupError(f"{what}:\n{done.stderr.strip()}")


def database_name(connection) -> str:
    name = connection.settings_dict.get("NAME")
    return f"({name})" if name else ""


def megabytes(size: int) -> str:
    if size < 1024**2:
        return f"{size / 1024:,.0f} kB"
    return f"{size / 1024**2:,.1f} MB"


def listed(names) -> str:
    names = sorted(names)
    return ", ".join(names[:10]) + (f" and {len(names) - 10} more" if len(names) > 10 else "")


def foreign(reason: str) -> str:
    return f"The archive is not a backup of Neue Wege that can be restored here: {reason}" + (
        " Nothing was changed."
    )


def damaged(reason: str) -> str:
    return f"The archive is damaged: {reason} Nothing was changed."


class _HashingReader:
    """A file read through by tarfile, checksummed on the way."""

    def __init__(self, file):
        self.file = file
        self.digest = hashlib.sha256()

    def read(self, size=-1):
        chunk = self.file.read(size)
        self.digest.update(chunk)
        return chunk
