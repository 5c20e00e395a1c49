"""Open a Stockroom database ready for use: connect, migrate, name the errors."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import peewee as pw

from .backup import SQLITE_MAGIC
from .db import is_postgres, open_database, resolve_url, sqlite_path
from .dberrors import translate
from .errors import StorageError
from .schema import ensure_schema
from .store import Store


def storage_error(exc: Exception, url: str = "") -> StorageError:
    """Turn a driver error into something a person can act on (`dberrors.translate`)."""
    err = translate(exc, url)
    return err if isinstance(err, StorageError) else StorageError(str(err))


def _check_sqlite_file(path: Path) -> None:
    """Look at an existing file read-only before connecting changes anything (connecting
    sets WAL mode, which is written into the file): refuse what is not Stockroom's."""
    if not path.exists() or path.is_dir() or path.stat().st_size == 0:
        if path.is_dir():
            raise StorageError(f"{path} is a folder. Give the database file's name.")
        return
    with path.open("rb") as f:
        head = f.read(len(SQLITE_MAGIC))
    if head != SQLITE_MAGIC:
        raise StorageError(f"{path} is not a Stockroom database (not an SQLite file). "
                           "Nothing was changed. Pick a Stockroom file, or a new file name.")
    try:
        con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=10)
        try:
            tables = {r[0] for r in con.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        raise translate(exc, str(path)) from exc
    if tables and "schema_version" not in tables:
        shown = ", ".join(sorted(t for t in tables if not t.startswith("sqlite_"))[:5])
        raise StorageError(
            f"{path} is not a Stockroom database: it holds other tables ({shown}). "
            "Nothing was changed. Pick a Stockroom file, or a new file name to start one.")


def open_store(url: str | None = None) -> pw.Database:
    """Open (creating if needed) and migrate the database at `url`."""
    resolved = resolve_url(url)
    try:
        if not is_postgres(resolved):
            _check_sqlite_file(sqlite_path(resolved))
        db = open_database(resolved)
        ensure_schema(db)
    except (pw.OperationalError, pw.DatabaseError) as exc:
        raise storage_error(exc, resolved) from exc
    except OSError as exc:
        raise StorageError(f"Cannot create the database file {resolved}: {exc.strerror}. "
                           "Pick a folder you can write to (--database).") from exc
    return db


def open_store_handle(url: str | None = None) -> Store:
    """`open_store` for the window: the database as an opaque `Store` handle."""
    resolved = resolve_url(url)
    return Store(open_store(resolved), resolved)
