"""Open a Stockroom database ready for use: connect, migrate, name the errors."""

from __future__ import annotations

import peewee as pw

from .db import is_postgres, open_database, resolve_url
from .errors import StorageError
from .schema import ensure_schema


def storage_error(exc: Exception, url: str = "") -> StorageError:
    """Turn a driver error into something a person can act on."""
    text = str(exc).lower()
    if "locked" in text or "busy" in text:
        msg = "The database is busy (another desk is writing). Try again in a moment."
    elif "readonly" in text or "read-only" in text:
        msg = "The database file is read-only. Check its permissions or pick another file."
    elif "disk" in text and "full" in text or "no space" in text:
        msg = "The disk is full. Free some space, then try again; nothing was saved."
    elif "could not connect" in text or "connection refused" in text or "timeout" in text:
        msg = "Cannot reach the PostgreSQL server. Check the address and that it is running."
    elif "password authentication" in text or "authentication failed" in text:
        msg = "The PostgreSQL server refused the user name or password in the database URL."
    elif "unable to open" in text:
        msg = "Cannot open the database file. Check that its folder exists and is writable."
    else:
        msg = f"The database reported a problem: {exc}"
    if url:
        msg += f" ({url if not is_postgres(url) else 'PostgreSQL'})"
    return StorageError(msg)


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
