"""The ledger's hash chain: each movement stores SHA-256 over its own contents and the
previous movement's hash, so a changed, removed or re-ordered row is evident (`verify`).

Every writer of movements (ledger.record, the import's bulk writer, the demo) chains its
rows here, in the caller's transaction. On PostgreSQL a transaction-scoped advisory lock
keeps two desks from chaining onto the same head; SQLite's writer lock already does.
"""

from __future__ import annotations

import gc
import hashlib
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Any

import peewee as pw

from ..db import unwrap

GENESIS = "0" * 64
HASHED = ("at", "kind", "product", "asset", "license", "quantity", "from_location",
          "to_location", "person", "holder", "asset_status", "operator", "reference",
          "source", "note", "unit_cost", "reverses")
COLUMNS = ("at", "kind", "product_id", "asset_id", "license_id", "quantity",
           "from_location_id", "to_location_id", "person_id", "holder_id", "asset_status",
           "operator_id", "reference", "source", "note", "unit_cost", "reverses_id")
_LOCK_KEY = 0x5354_4B52  # "STKR": one advisory lock for the ledger's head
_CENT = Decimal("0.01")


def _at(value: Any) -> object:
    """A timestamp as SQLite stores it: 'YYYY-MM-DD HH:MM:SS.ffffff' (PostgreSQL hands
    back a datetime, SQLite the text; both end up in this one form)."""
    if value is None:
        return None
    text = value if isinstance(value, str) else value.isoformat(" ")
    return text + ".000000" if len(text) == 19 else text


def _money(value: object) -> object:
    # SQLite keeps 24.00 as the integer 24: money is hashed as two decimals, always.
    if value is None:
        return None
    if isinstance(value, int):
        return f"{value}.00"
    return str(Decimal(str(value)).quantize(_CENT))


def _whole(value: Any) -> object:
    if value is None or type(value) is int:
        return value
    if isinstance(value, pw.Model):
        return value.get_id()
    return int(value)  # ids and quantities, however the driver typed them


def _text(value: object) -> object:
    return value


_CONVERT = tuple(_at if n == "at" else _money if n == "unit_cost" else _text
                 if n in ("kind", "asset_status", "reference", "source", "note") else _whole
                 for n in HASHED)


def digest(previous: str, values: Sequence[object]) -> str:
    """The hash of one movement (values in HASHED order) after `previous`: SHA-256 over the
    previous hash and the repr of the normalised values (unambiguous, C-fast)."""
    parts = tuple(f(v) for f, v in zip(_CONVERT, values, strict=True))
    return hashlib.sha256(f"{previous}\n{parts!r}".encode()).hexdigest()



def lock_head(db: pw.Database) -> None:
    """PostgreSQL: lock the ledger's head until the transaction ends."""
    unwrap(db).execute_sql("SELECT pg_advisory_xact_lock(%s)", (_LOCK_KEY,))


def head(db: pw.Database) -> str:
    """The newest movement's hash, locking the head until the transaction ends (unless
    the unit of work in progress holds that lock already)."""
    db = unwrap(db)
    if isinstance(db, pw.PostgresqlDatabase):
        from .. import uow

        work = uow.current()
        if work is None or not work.holds_ledger_lock():
            lock_head(db)
    row = db.execute_sql("SELECT hash FROM movement ORDER BY id DESC LIMIT 1").fetchone()
    return (row[0] if row else None) or GENESIS


def chain(db: pw.Database, names: Sequence[str], rows: Iterable[Sequence]) -> Iterator[tuple]:
    """Each row (values under the field `names`) with its previous hash and hash added."""
    at = [names.index(n) if n in names else None for n in HASHED]
    prev = head(db)
    for row in rows:
        h = digest(prev, [row[i] if i is not None else None for i in at])
        yield (*row, prev, h)
        prev = h


def _read_digest(previous: str, row: Sequence) -> str:
    """`digest` for a row as the driver reads it back (id first, hashes last): ids,
    quantities and text come typed already, so only the time and the money need work."""
    (_, at, kind, product, asset, lic, qty, src, dst, person, holder, status, op, ref,
     source, note, cost, rev, _, _) = row
    if type(at) is not str:
        at = _at(at)
    elif len(at) == 19:
        at += ".000000"
    if cost is not None:
        cost = _money(cost)
    parts = (at, kind, product, asset, lic, qty, src, dst, person, holder, status, op, ref,
             source, note, cost, rev)
    return hashlib.sha256(f"{previous}\n{parts!r}".encode()).hexdigest()


def check(rows: Iterable[Sequence], limit: int = 20) -> tuple[list[str], int, str]:
    """(problems, rows checked, head) for movements read as (id, *COLUMNS, prev, hash) in
    id order: the first `limit` rows whose contents or place in the chain are wrong."""
    problems: list[str] = []
    prev, prev_id, n = GENESIS, None, 0
    collecting = gc.isenabled()
    gc.disable()  # millions of short-lived tuples, no cycles: the collector only slows it
    try:
        return _check(rows, limit, problems, prev, prev_id, n)
    finally:
        if collecting:
            gc.enable()


def _check(rows: Iterable[Sequence], limit: int, problems: list[str], prev: str,
           prev_id: object, n: int) -> tuple[list[str], int, str]:
    for row in rows:
        n += 1
        mid, stored_prev, stored = row[0], row[-2], row[-1]
        if stored is None:
            problems.append(f"movement {mid} has no hash: it was written around Stockroom")
            prev, prev_id = GENESIS, mid
        else:
            if _read_digest(stored_prev or GENESIS, row) != stored and digest(
                    stored_prev or GENESIS, row[1:-2]) != stored:
                problems.append(f"movement {mid} was changed after it was written (its "
                                "contents no longer match its hash)")
            elif (stored_prev or GENESIS) != prev:
                after = f"movement {prev_id}" if prev_id is not None else "the start"
                problems.append(f"movement {mid} does not follow {after}: a movement "
                                "between them was removed, or movements were re-ordered")
            prev, prev_id = stored, mid
        if len(problems) >= limit:
            problems.append("... (further rows not checked)")
            break
    return problems, n, prev


# PostgreSQL: each row's digest computed by the server (inventory/pgcalls.py's helpers,
# the same text Python hashes for every printable text), over all rows at once.
_SERVER_DIGEST = f"""encode(sha256(convert_to(COALESCE(NULLIF(prev_hash, ''), '{GENESIS}')
  || E'\\n(' || concat_ws(', ',
  stockroom_py_str(to_char(at, 'YYYY-MM-DD HH24:MI:SS.US')), stockroom_py_str(kind),
  stockroom_py_int(product_id), stockroom_py_int(asset_id), stockroom_py_int(license_id),
  stockroom_py_int(quantity), stockroom_py_int(from_location_id),
  stockroom_py_int(to_location_id), stockroom_py_int(person_id), stockroom_py_int(holder_id),
  stockroom_py_str(asset_status), stockroom_py_int(operator_id), stockroom_py_str(reference),
  stockroom_py_str(source), stockroom_py_str(note),
  stockroom_py_str(round(unit_cost, 2)::text), stockroom_py_int(reverses_id)) || ')',
  'UTF8')), 'hex')"""
SERVER_CHECK = f"""
SELECT count(*), count(*) FILTER (WHERE hash IS NULL OR hash <> {_SERVER_DIGEST}),
       (SELECT hash FROM movement ORDER BY id DESC LIMIT 1)
  FROM movement"""
SERVER_LINKS = f"""
SELECT count(*) FROM (SELECT prev_hash, lag(hash) OVER (ORDER BY id) AS before
                        FROM movement) AS x
 WHERE COALESCE(NULLIF(prev_hash, ''), '{GENESIS}') <> COALESCE(before, '{GENESIS}')"""


def check_on_server(db: pw.Database) -> tuple[list[str], int, str] | None:
    """PostgreSQL: `check` done by the server when every row is in order (one scan, on
    the server's cores); None when any row is not (or the server cannot), so that `check`
    in Python names each one in its own words."""
    db = unwrap(db)
    if not isinstance(db, pw.PostgresqlDatabase) or not db.execute_sql(
            "SELECT to_regprocedure('stockroom_py_str(text)') IS NOT NULL").fetchone()[0]:
        return None
    n, wrong, last = db.execute_sql(SERVER_CHECK).fetchone()
    if wrong or db.execute_sql(SERVER_LINKS).fetchone()[0]:
        return None
    return [], n, (last or GENESIS) if n else GENESIS


def select_sql() -> str:
    return (f"SELECT id, {', '.join(COLUMNS)}, prev_hash, hash FROM movement ORDER BY id")
