"""`stockroom doctor`, the database part: reachable, writable, schema version, room for backups.

Each check returns findings `(check, level, found, what_to_do)` with level one of
OK, INFO, WARN, FAIL (FAIL: the desk cannot work until it is fixed). Nothing here
changes the database: SQLite is read through its own connection and the write test
takes the write lock and rolls back; a file that does not exist yet is not created.
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from pathlib import Path

import peewee as pw

from .backup import backup_dir
from .db import is_postgres, postgres_database, sqlite_path
from .schema import CURRENT_VERSION

OK, INFO, WARN, FAIL, SKIP = "ok", "info", "warn", "fail", "skip"
Finding = tuple[str, str, str, str]

REACHABLE, WRITABLE, SCHEMA, DISK = ("Database reachable", "Database writable",
                                     "Schema version", "Free disk for backups")
HEADROOM = 32 * 1024 * 1024  # beyond one more copy of the database: the log, the WAL, a restore
LOCK_WAIT_S = 2.0
READ_ONLY_FIX = ("Check the permissions of the file and its folder (the folder must be writable "
                 "too: SQLite keeps its -wal and -shm files beside the database), and that the "
                 "disk is not mounted read-only.")


def check_database(url: str, headroom: int = HEADROOM) -> list[Finding]:
    """Every database finding for the database at `url` (a SQLite path or a PostgreSQL URL)."""
    if is_postgres(url):
        return _check_postgres(url)
    return _check_sqlite(sqlite_path(url), headroom)


def _mib(n: float) -> str:
    return f"{n / 1024 / 1024:,.0f} MiB"


def _schema_finding(version: int | None) -> Finding:
    if version is None:
        return (SCHEMA, INFO, f"no database yet; Stockroom creates one at schema {CURRENT_VERSION}",
                "")
    if version > CURRENT_VERSION:
        return (SCHEMA, FAIL, f"schema {version}, written by a newer Stockroom (this one "
                f"writes {CURRENT_VERSION})", "Install the Stockroom version the other desks "
                "use (stockroom --version shows it), then start again.")
    if version < CURRENT_VERSION:
        return (SCHEMA, OK, f"schema {version}; this Stockroom upgrades it to "
                f"{CURRENT_VERSION} when it opens (a backup is taken first)", "")
    return (SCHEMA, OK, f"schema {version} (current)", "")


def free_space(folder: Path, needed: int) -> Finding:
    """Is there room in `folder` (or the nearest folder above it that exists) for `needed`?"""
    probe = folder
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    free = shutil.disk_usage(probe).free
    if free < needed:
        return (DISK, FAIL, f"{_mib(free)} free in {probe}, the next backup needs "
                f"about {_mib(needed)}", "Free some space on that disk, or move the "
                "database to a bigger one (Settings › Database), then start again.")
    return (DISK, OK, f"{_mib(free)} free in {probe} (the next backup needs about "
            f"{_mib(needed)})", "")


def _folder_writable(folder: Path) -> str | None:
    """None when a file can be created in `folder` (or where it would be made), else why not."""
    probe = folder
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    try:
        with tempfile.TemporaryFile(dir=probe):
            pass
    except OSError as exc:
        return f"{probe}: {exc.strerror}"
    return None


def _check_sqlite(path: Path, headroom: int) -> list[Finding]:
    if not path.exists():
        why = _folder_writable(path.parent)
        if why:
            return [(REACHABLE, FAIL, f"no database at {path}, and it cannot be created ({why})",
                     "Start Stockroom with --database pointing to a folder you can write to, "
                     "or fix the folder's permissions.")]
        return [(REACHABLE, OK, f"{path} does not exist yet; Stockroom creates it at start", ""),
                _schema_finding(None),
                free_space(path.parent, headroom)]
    findings: list[Finding] = []
    try:
        con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True,
                              timeout=LOCK_WAIT_S)
        try:
            tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master")}
            version = (con.execute("SELECT MAX(version) FROM schema_version").fetchone()[0]
                       if "schema_version" in tables else None)
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        why = _folder_writable(path.parent)
        if why:  # SQLite opens a WAL database only where it can write its -shm file
            return [(REACHABLE, FAIL, f"{path} cannot be opened ({exc}; {why})", READ_ONLY_FIX)]
        return [(REACHABLE, FAIL, f"{path} cannot be read as a database ({exc})",
                 "Check that this is the Stockroom database file; restore it from a backup "
                 "(stockroom restore) if it is damaged.")]
    if tables and version is None:
        return [(REACHABLE, FAIL, f"{path} is a SQLite file but not a Stockroom database",
                 "Point --database (or Settings › Database) at the Stockroom file.")]
    findings.append((REACHABLE, OK, f"SQLite {path}", ""))
    findings.append(_sqlite_writable(path))
    findings.append(_schema_finding(version))
    size = path.stat().st_size + _wal_size(path)
    findings.append(free_space(backup_dir(path), size + headroom))
    return findings


def _wal_size(path: Path) -> int:
    wal = path.with_name(path.name + "-wal")
    return wal.stat().st_size if wal.exists() else 0


def _sqlite_writable(path: Path) -> Finding:
    """Take the write lock and roll back: proves the file, its folder and the lock work."""
    try:
        con = sqlite3.connect(str(path), timeout=LOCK_WAIT_S, isolation_level=None)
        try:
            con.execute("BEGIN IMMEDIATE")
            con.execute("ROLLBACK")
        finally:
            con.close()
    except sqlite3.OperationalError as exc:
        text = str(exc).lower()
        if "locked" in text or "busy" in text:
            return (WRITABLE, WARN, f"another program has held the write lock for over "
                    f"{LOCK_WAIT_S:.0f} s ({exc})", "Another desk or a backup is writing; if "
                    "this stays, close the other Stockroom windows on this file.")
        return (WRITABLE, FAIL, f"{path} cannot be written ({exc})", READ_ONLY_FIX)
    return (WRITABLE, OK, "the write lock can be taken", "")


def _check_postgres(url: str) -> list[Finding]:
    from .storage import storage_error

    db = postgres_database(url, connect_timeout=5)
    try:
        db.connect()
    except (pw.OperationalError, pw.DatabaseError) as exc:
        return [(REACHABLE, FAIL, str(storage_error(exc, url)),
                 "Check the server address, port, user and password in the database URL, "
                 "and that the server accepts connections from this machine (pg_hba.conf).")]
    try:
        server = db.execute_sql("SHOW server_version").fetchone()[0]
        findings: list[Finding] = [(REACHABLE, OK, f"PostgreSQL {server}", "")]
        readonly = db.execute_sql("SHOW transaction_read_only").fetchone()[0] == "on"
        has_table = db.table_exists("schema_version")
        version = None
        if has_table:
            version = db.execute_sql("SELECT MAX(version) FROM schema_version").fetchone()[0]
        if readonly:
            findings.append((WRITABLE, FAIL, "the server only accepts reads (a standby, or "
                             "default_transaction_read_only)", "Point the desks at the "
                             "primary server."))
        elif has_table and not db.execute_sql(
                "SELECT has_table_privilege(current_user, 'movement', 'INSERT')").fetchone()[0]:
            findings.append((WRITABLE, INFO, "this login may read but not record movements "
                             "(a Viewer)", "Ask an admin for a role that may write, if you need "
                             "one."))
        else:
            findings.append((WRITABLE, OK, "this login may write", ""))
        findings.append(_schema_finding(version))
        findings.append((DISK, SKIP, "on PostgreSQL the server's disk holds the data; back it "
                         "up with pg_dump there", ""))
        return findings
    finally:
        db.close()
