"""Open a Stockroom database ready for use: connect, migrate, name the errors."""

from __future__ import annotations

import peewee as pw

from .db import open_database, resolve_url
from .dberrors import translate
from .errors import InventoryError, StorageError
from .schema import ensure_schema


def storage_error(exc: Exception, url: str = "") -> InventoryError:
    """Turn a driver error into something a person can act on (see dberrors.translate)."""
    return translate(exc, url)


def open_store(url: str | None = None) -> pw.Database:
    """Open (creating if needed) and migrate the database at `url`."""
    resolved = resolve_url(url)
    try:
        db = open_database(resolved)
        ensure_schema(db)
    except (pw.OperationalError, pw.DatabaseError) as exc:
        raise storage_error(exc, resolved) from exc
    except OSError as exc:
        raise StorageError(f"Cannot create the database file {resolved}: {exc.strerror}. "
                           "Pick a folder you can write to (--database).") from exc
    return db
