"""Copying a live SQLite file (the sqlite3 backup API) and keeping the newest N automatic
copies (never pruning a backup a person asked for or a file they named).

The low level under `backup.py` (which checks and restores) and `schema.py` (which copies
the file before a migration); it knows nothing of the schema, so neither imports the other.
"""

from __future__ import annotations

import re
import sqlite3
from datetime import datetime
from pathlib import Path

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
    """Delete all but the newest `keep` automatic backups; nothing else is touched (not a
    backup a person asked for, not a file they named)."""
    automatic = [p for p in folder.glob(f"{stem}-*.sqlite") if is_automatic(p, stem)]
    for old in sorted(automatic, reverse=True)[keep:]:
        old.unlink(missing_ok=True)
        for extra in _companions(old):
            extra.unlink(missing_ok=True)


def readonly_uri(path: Path) -> str:
    """Open a file nobody writes (a backup) without locks or -wal/-shm companions."""
    return f"{Path(path).resolve().as_uri()}?mode=ro&immutable=1"


def _companions(db_path: Path) -> list[Path]:
    return [db_path.with_name(db_path.name + s) for s in ("-wal", "-shm", "-journal")]
