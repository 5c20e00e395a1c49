"""Driver errors (sqlite3, psycopg2, peewee) turned into errors a person can act on.

`translate(exc)` is the one place: the unit of work calls it for every write, the CLI
and the store opener for the rest. A domain error passes through unchanged.
"""

from __future__ import annotations

import peewee as pw

from .errors import Conflict, InventoryError, StorageError

DRIVER_ERRORS: tuple[type[BaseException], ...] = (pw.OperationalError, pw.DatabaseError,
                                                  pw.InterfaceError)


def is_driver_error(exc: BaseException) -> bool:
    return isinstance(exc, DRIVER_ERRORS)


def translate(exc: BaseException, url: str = "") -> InventoryError:
    """A typed error for `exc`; `url` (no password is shown) says which database."""
    if isinstance(exc, InventoryError):
        return exc
    text = str(exc).lower()
    if isinstance(exc, pw.IntegrityError) or "could not serialize" in text \
            or "deadlock" in text:
        err: InventoryError = Conflict(
            "Someone changed the same record at another desk just now; nothing was saved. "
            "Try again.")
        return err
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
        msg += f" ({url if not url.startswith(('postgres://', 'postgresql://')) else 'PostgreSQL'})"
    return StorageError(msg)
