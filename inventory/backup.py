"""SQLite online backups (the sqlite3 backup API): safe while the app is writing.

Automatic backups go to `backups/` beside the database (before migrations, on exit)
and only the newest N of those are kept: pruning never touches a backup a person asked
for (`backup` without -o writes a "-manual" file) nor a file they named. A restore checks
that the backup is a complete Stockroom database first and keeps the current file aside.
PostgreSQL databases are backed up with pg_dump (POSTGRES_HELP).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from . import sqlite_copy
from .db import is_postgres, sqlite_path
from .errors import StorageError
from .schema import CURRENT_VERSION, required_columns
from .sqlite_copy import (
    MANUAL,
    _companions,
    backup_dir,
    backup_sqlite,
    list_backups,
    prune,
    readonly_uri,
)

__all__ = ["MANUAL", "backup_dir", "backup_sqlite", "list_backups", "prune", "readonly_uri"]

DEFAULT_KEEP = sqlite_copy.DEFAULT_KEEP


# -- checking and restoring ------------------------------------------------------------

SQLITE_MAGIC = b"SQLite format 3\x00"
KEEP_SETTING = "backup_keep"

POSTGRES_HELP = (
    "This database is on a PostgreSQL server, which Stockroom does not copy itself. "
    "Back it up with `pg_dump --format=custom --file=stockroom.dump URL` and restore it "
    "with `pg_restore --clean --if-exists --dbname=URL stockroom.dump` (README: 'Backup "
    "and restore')."
)


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    taken_at: datetime
    size: int
    schema_version: int
    movements: int
    assets: int


@dataclass(frozen=True)
class RestoreResult:
    restored_from: BackupInfo
    kept_aside: Path | None  # the database as it was before the restore


def _damaged(path: Path, detail: str) -> StorageError:
    return StorageError(f"{path.name} is damaged or not a Stockroom database ({detail}). "
                        "Pick another backup.")


def _missing_columns(con: sqlite3.Connection, version: int) -> list[str]:
    """Tables and columns a Stockroom database of `version` has, that this file lacks."""
    missing = []
    for table, columns in required_columns(version).items():
        have = {r[1] for r in con.execute(f'PRAGMA table_info("{table}")')}
        if not have:
            missing.append(f"table {table}")
        else:
            missing += [f"{table}.{c}" for c in sorted(columns - have)]
    return missing


def check_backup(path: Path) -> BackupInfo:
    """Refuse anything but an intact Stockroom database this version can open."""
    path = Path(path)
    try:
        with path.open("rb") as f:
            head = f.read(len(SQLITE_MAGIC))
        size = path.stat().st_size
    except FileNotFoundError:
        raise StorageError(f"No backup file {path}. Pick one from the list.") from None
    except OSError as exc:
        raise StorageError(f"Cannot read {path}: {exc.strerror}.") from exc
    if head != SQLITE_MAGIC:
        raise _damaged(path, "not an SQLite file")
    try:
        con = sqlite3.connect(readonly_uri(path), uri=True)
    except sqlite3.Error as exc:
        raise _damaged(path, str(exc)) from exc
    try:
        problems = [r[0] for r in con.execute("PRAGMA integrity_check(5)")]
        if problems != ["ok"]:
            raise _damaged(path, "integrity check: " + "; ".join(problems)[:200])
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if not {"schema_version", "movement", "asset"} <= tables:
            raise _damaged(path, "it has no Stockroom tables")
        version = con.execute("SELECT MAX(version) FROM schema_version").fetchone()[0] or 0
        if 0 < version <= CURRENT_VERSION:
            missing = _missing_columns(con, version)
            if missing:
                raise _damaged(path, f"schema {version} without {', '.join(missing[:5])}")
        elif version <= 0:
            raise _damaged(path, "it has no schema version")
        movements = con.execute("SELECT COUNT(*) FROM movement").fetchone()[0]
        assets = con.execute("SELECT COUNT(*) FROM asset").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise _damaged(path, str(exc)) from exc
    finally:
        con.close()
    if version > CURRENT_VERSION:
        raise StorageError(f"{path.name} comes from a newer Stockroom (schema {version}; this "
                           f"one knows {CURRENT_VERSION}). Update Stockroom first.")
    return BackupInfo(path, datetime.fromtimestamp(path.stat().st_mtime), size, version,
                      movements, assets)


def _in_use(db_path: Path) -> bool:
    """Whether another connection is writing to, or reading a snapshot of, the file.

    A damaged file counts as not in use (there is nothing left to protect)."""
    try:
        con = sqlite3.connect(str(db_path), timeout=0.5)
    except sqlite3.Error:
        return False
    try:
        con.execute("BEGIN IMMEDIATE")
        con.execute("ROLLBACK")
        busy = con.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        return bool(busy and busy[0])
    except sqlite3.OperationalError as exc:
        return "locked" in str(exc) or "busy" in str(exc)
    except sqlite3.DatabaseError:
        return False
    finally:
        con.close()


def restore_sqlite(db_path: Path, backup: Path) -> RestoreResult:
    """Put `backup` in place of the database at `db_path`, after an integrity check.

    The current file (and its write-ahead log) is kept aside beside it as
    `<name>.before-restore-<time>.sqlite`. Close every connection to `db_path` first.
    """
    db_path, backup = Path(db_path), Path(backup)
    info = check_backup(backup)
    if db_path.exists() and db_path.resolve() == backup.resolve():
        raise StorageError("That backup is the database itself. Pick a file from backups/.")
    if db_path.exists() and _in_use(db_path):
        raise StorageError(f"{db_path.name} is in use by another Stockroom window or desk. "
                           "Close it there, then restore.")
    aside = None
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    if db_path.exists():
        aside = db_path.with_name(f"{db_path.stem}.before-restore-{stamp}{db_path.suffix}")
        shutil.copy2(db_path, aside)
        wal = db_path.with_name(db_path.name + "-wal")
        if wal.exists() and wal.stat().st_size:
            shutil.copy2(wal, aside.with_name(aside.name + "-wal"))
    tmp = db_path.with_name(f".{db_path.name}.restoring")
    tmp.unlink(missing_ok=True)
    src = sqlite3.connect(readonly_uri(backup), uri=True)
    try:
        out = sqlite3.connect(str(tmp))
        try:
            src.backup(out)
            out.execute("PRAGMA journal_mode=WAL")
        finally:
            out.close()
    finally:
        src.close()
    for extra in _companions(db_path):
        extra.unlink(missing_ok=True)  # a stale WAL would be replayed over the restored file
    os.replace(tmp, db_path)
    for extra in _companions(tmp):
        extra.unlink(missing_ok=True)
    return RestoreResult(info, aside)


def keep_count(db_path: Path) -> int:
    """How many automatic backups to keep: the database's setting, else DEFAULT_KEEP."""
    try:
        con = sqlite3.connect(f"{Path(db_path).resolve().as_uri()}?mode=ro", uri=True)
        try:
            row = con.execute("SELECT value FROM setting WHERE key = ?",
                              (KEEP_SETTING,)).fetchone()
        finally:
            con.close()
        return max(1, int(row[0])) if row else DEFAULT_KEEP
    except (sqlite3.Error, ValueError):
        return DEFAULT_KEEP


def _same_content(a: Path, b: Path) -> bool:
    """Two backups hold the same data (the 100-byte header carries change counters)."""
    if a.stat().st_size != b.stat().st_size:
        return False
    with a.open("rb") as fa, b.open("rb") as fb:
        fa.seek(100)
        fb.seek(100)
        while True:
            x, y = fa.read(1 << 20), fb.read(1 << 20)
            if x != y:
                return False
            if not x:
                return True


def auto_backup(url: str, keep: int | None = None, label: str = "auto") -> Path | None:
    """The backup taken on exit (SQLite only): kept only when the data changed since the
    newest backup, pruned to the newest `keep` (default: the database's setting, else 10).
    Returns the new backup, or None when none was needed."""
    if is_postgres(url):
        return None
    path = sqlite_path(url)
    if not path.exists():
        return None
    previous = list_backups(path)[:1]
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    dest = backup_dir(path) / f"{path.stem}-{stamp}-{label}.sqlite"
    backup_sqlite(path, dest)
    if previous and _same_content(previous[0], dest):
        dest.unlink()
        return None
    prune(backup_dir(path), path.stem, keep or keep_count(path))
    return dest
