"""Copying a live SQLite file (the sqlite3 backup API) and keeping the newest N copies.

The low level under `backup.py` (which checks and restores) and `schema.py` (which copies
the file before a migration); it knows nothing of the schema, so neither imports the other.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

DEFAULT_KEEP = 10


def backup_dir(db_path: Path) -> Path:
    return db_path.parent / "backups"


def backup_sqlite(db_path: Path, dest: Path | None = None, keep: int = DEFAULT_KEEP,
                  label: str = "") -> Path:
    """Copy the live database to `dest` (default: a timestamped file beside it).

    Automatic backups (no `dest`) keep only the newest `keep` files.
    """
    db_path = Path(db_path)
    automatic = dest is None
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
    for old in sorted(folder.glob(f"{stem}-*.sqlite"), reverse=True)[keep:]:
        old.unlink(missing_ok=True)
        for extra in _companions(old):
            extra.unlink(missing_ok=True)


def readonly_uri(path: Path) -> str:
    """Open a file nobody writes (a backup) without locks or -wal/-shm companions."""
    return f"{Path(path).resolve().as_uri()}?mode=ro&immutable=1"


def _companions(db_path: Path) -> list[Path]:
    return [db_path.with_name(db_path.name + s) for s in ("-wal", "-shm", "-journal")]
