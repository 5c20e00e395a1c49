"""Driver errors (sqlite3, psycopg2, peewee) turned into errors a person can act on.

`translate(exc)` is the one place: the unit of work calls it for every write, the CLI,
the importer's bulk writes and the store opener for the rest. The message says what
happened and what to do, never a DETAIL line or a traceback. A domain error passes
through unchanged.
"""

from __future__ import annotations

import sqlite3

import peewee as pw

from .errors import (
    Conflict,
    Duplicate,
    InventoryError,
    StorageError,
    ValidationError,
)


def _pg_code(exc: BaseException) -> str:
    """The SQLSTATE of a psycopg2 error (peewee wraps it; the original is its cause)."""
    for e in (exc, getattr(exc, "orig", None), exc.__cause__, exc.__context__):
        code = getattr(e, "pgcode", None)
        if code:
            return code
    return ""


def _constraint(exc: BaseException) -> str:
    for e in (exc, exc.__cause__, exc.__context__):
        diag = getattr(e, "diag", None)
        name = getattr(diag, "constraint_name", None) if diag else None
        if name:
            return name
    text = str(exc)
    if "UNIQUE constraint failed:" in text:  # SQLite names the columns
        return text.split("UNIQUE constraint failed:", 1)[1].strip().split(",")[0]
    return ""


WHAT = {  # constraint or column -> what a person calls it
    "purchaseorder_number": "purchase order number",
    "purchase_order.number": "purchase order number",
    "asset_tag": "asset tag", "asset.tag": "asset tag",
    "asset_manufacturer_serial": "serial number", "asset.manufacturer": "serial number",
    "product_gtin": "GTIN", "product.gtin": "GTIN",
    "person_employee_id": "employee id", "person.employee_id": "employee id",
    "location_code": "location code", "location.code": "location code",
    "supplier_name": "supplier name", "supplier.name": "supplier name",
    "operator_username": "operator name", "operator.username": "operator name",
    "stocklevel_product_id_location_id": "stock level",
    "stock_level.product_id": "stock level",
}


def _what(name: str) -> str:
    key = name.lower().replace('"', "")
    for k, label in WHAT.items():
        if k.replace(".", "_") in key.replace(".", "_"):
            return label
    return "record"


def translate(exc: BaseException, url: str = "") -> InventoryError:
    """The domain error for a driver error (an InventoryError is returned unchanged)."""
    if isinstance(exc, InventoryError):
        return exc
    text = str(exc).split("\nDETAIL", 1)[0].strip()
    low = text.lower()
    code = _pg_code(exc)
    where = f" ({url})" if url and not url.startswith(("postgres://", "postgresql://")) else ""
    if code == "23505" or "unique constraint" in low or "duplicate key" in low:
        what = _what(_constraint(exc))
        return Duplicate(f"That {what} was just taken, probably by another desk at the same "
                         "moment. Nothing was saved; look again and retry.")
    if code in ("40001", "40P01") or "deadlock" in low or "could not serialize" in low:
        return Conflict("Another desk changed the same records at the same moment. Nothing "
                        "was saved; try again.")
    if code == "22003" or "out of range" in low or "integer overflow" in low \
            or "too large" in low:
        return ValidationError("A number is too large for the database. Nothing was saved; "
                               "check the quantities and amounts (the README lists the "
                               "limits).")
    if code in ("22021", "22P05") or "0x00" in low or "nul character" in low:
        return ValidationError("A text contains a character the database cannot store (a "
                               "NUL byte). Nothing was saved; remove it and try again.")
    if code.startswith("23") or "constraint" in low and "failed" in low:
        return ValidationError(f"The database refused the change ({text[:120]}). Nothing was "
                               "saved.")
    if "append-only" in low:
        return StorageError("The movement ledger is append-only: rows are never changed or "
                            "removed. Post a compensating movement instead.")
    if "locked" in low or "busy" in low:
        msg = "The database is busy (another desk is writing). Try again in a moment."
    elif "readonly" in low or "read-only" in low:
        msg = "The database file is read-only. Check its permissions or pick another file."
    elif "disk" in low and "full" in low or "no space" in low:
        msg = "The disk is full. Free some space, then try again; nothing was saved."
    elif "could not connect" in low or "connection refused" in low or "timeout" in low \
            or "server closed the connection" in low or "connection already closed" in low \
            or "terminating connection" in low or "the database system is" in low \
            or "connection not open" in low:
        msg = "Cannot reach the PostgreSQL server. Check the address and that it is running."
    elif "password authentication" in low or "authentication failed" in low \
            or "no password supplied" in low:
        msg = "The PostgreSQL server refused the user name or password in the database URL."
    elif "unable to open" in low:
        msg = "Cannot open the database file. Check that its folder exists and is writable."
    elif "file is not a database" in low or "malformed" in low:
        msg = "The file is not a Stockroom database, or it is damaged. Restore a backup."
    else:
        msg = f"The database reported a problem: {text[:200]}"
    return StorageError(msg + where)


def driver_errors() -> tuple[type[BaseException], ...]:
    """The exception types `translate` understands (psycopg2's when it is installed)."""
    types: list[type[BaseException]] = [pw.PeeweeException, sqlite3.Error]
    try:
        import psycopg2

        types.append(psycopg2.Error)
    except ImportError:  # pragma: no cover - PostgreSQL support not installed
        pass
    return tuple(types)


DRIVER_ERRORS: tuple[type[BaseException], ...] = driver_errors()


def is_driver_error(exc: BaseException) -> bool:
    return isinstance(exc, DRIVER_ERRORS)
