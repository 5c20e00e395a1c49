"""SQLite online backups (the sqlite3 backup API): safe while the app is writing.

Automatic backups go to `backups/` beside the database (before migrations, on exit)
and only the newest N of those are kept: pruning never touches a backup a person asked
for (`backup` without -o writes a "-manual" file) nor a file they named. A restore checks
the backup's integrity first and keeps the current file aside. PostgreSQL databases
are backed up with pg_dump (POSTGRES_HELP).
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from .errors import StorageError

DEFAULT_KEEP = 10


def backup_dir(db_path: Path) -> Path:
    return db_path.parent / "backups"


AUTOMATIC_LABELS = re.compile(r"auto|before-v\d+")
MANUAL = "manual"


def is_automatic(path: Path, stem: str) -> bool:
    """A backup the app took by itself (on exit, before a migration), which it may prune."""
    found = re.fullmatch(re.escape(stem) + r"-\d{8}-\d{6}-\d{6}-(.+)\.sqlite", path.name)
    return bool(found and AUTOMATIC_LABELS.fullmatch(found.group(1)))


def backup_sqlite(db_path: Path, dest: Path | None = None, keep: int = DEFAULT_KEEP,
                  label: str = "") -> Path:
    """Copy the live database to `dest` (default: a timestamped file beside it).

    Automatic backups (no `dest`, an automatic label) keep only the newest `keep`
    automatic files; `label="manual"` is a backup a person asked for, never pruned.
    """
    db_path = Path(db_path)
    label = label or "auto"
    automatic = dest is None and bool(AUTOMATIC_LABELS.fullmatch(label))
    if dest is None:
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
        suffix = f"-{label}" if label else ""
        dest = backup_dir(db_path) / f"{db_path.stem}-{stamp}{suffix}.sqlite"
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(str(db_path))
    try:
        out = sqlite3.connect(str(dest))
        try:
            src.backup(out)
            out.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        finally:
            out.close()
    finally:
        src.close()
    if automatic:
        prune(backup_dir(db_path), db_path.stem, keep)
    return dest


def list_backups(db_path: Path) -> list[Path]:
    """Newest first."""
    folder = backup_dir(Path(db_path))
    if not folder.exists():
        return []
    return sorted(folder.glob(f"{Path(db_path).stem}-*.sqlite"), reverse=True)


def prune(folder: Path, stem: str, keep: int) -> None:
    """Delete all but the newest `keep` automatic backups; nothing else is touched."""
    automatic = [p for p in folder.glob(f"{stem}-*.sqlite") if is_automatic(p, stem)]
    for old in sorted(automatic, reverse=True)[keep:]:
        old.unlink(missing_ok=True)
        for extra in _companions(old):
            extra.unlink(missing_ok=True)


def readonly_uri(path: Path) -> str:
    """Open a file nobody writes (a backup) without locks or -wal/-shm companions."""
    return f"{Path(path).resolve().as_uri()}?mode=ro&immutable=1"


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


def check_backup(path: Path) -> BackupInfo:
    """Refuse anything but an intact Stockroom database this version can open."""
    from .schema import CURRENT_VERSION

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


def _missing_columns(con: sqlite3.Connection, version: int) -> list[str]:
    """Tables and columns a Stockroom database of `version` has, that this file lacks."""
    from .schema import required_columns

    missing = []
    for table, columns in required_columns(version).items():
        have = {r[1] for r in con.execute(f'PRAGMA table_info("{table}")')}
        if not have:
            missing.append(f"table {table}")
        else:
            missing += [f"{table}.{c}" for c in sorted(columns - have)]
    return missing


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


def _companions(db_path: Path) -> list[Path]:
    return [db_path.with_name(db_path.name + s) for s in ("-wal", "-shm", "-journal")]


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
    from .db import is_postgres, sqlite_path

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
