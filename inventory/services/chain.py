"""The ledger's hash chain: each movement stores SHA-256 over its own contents and the
previous movement's hash, so a changed, removed or re-ordered row is evident (`verify`).

Every writer of movements (ledger.record, the import's bulk writer, the demo) chains its
rows here, in the caller's transaction. On PostgreSQL a transaction-scoped advisory lock
keeps two desks from chaining onto the same head; SQLite's writer lock already does.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal

import peewee as pw

GENESIS = "0" * 64
HASHED = ("at", "kind", "product", "asset", "license", "quantity", "from_location",
          "to_location", "person", "holder", "asset_status", "operator", "reference",
          "source", "note", "unit_cost", "reverses")
COLUMNS = ("at", "kind", "product_id", "asset_id", "license_id", "quantity",
           "from_location_id", "to_location_id", "person_id", "holder_id", "asset_status",
           "operator_id", "reference", "source", "note", "unit_cost", "reverses_id")
_LOCK_KEY = 0x5354_4B52  # "STKR": one advisory lock for the ledger's head
_CENT = Decimal("0.01")


def _norm(value: object) -> object:
    """One form per value, whichever driver wrote or read it."""
    if value is None:
        return None
    if isinstance(value, pw.Model):
        return value.get_id()
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal | float):
        return str(Decimal(str(value)).quantize(_CENT))
    if isinstance(value, str):
        return value
    return int(value)  # ids and quantities


def _norm_at(value: object) -> object:
    if isinstance(value, str):  # SQLite hands timestamps back as text
        try:
            return _norm(datetime.fromisoformat(value))
        except ValueError:
            return value
    return _norm(value)


_MONEY = HASHED.index("unit_cost")
_TEXT = {HASHED.index(n) for n in ("kind", "asset_status", "reference", "source", "note")}


def _money(value: object) -> object:
    # SQLite keeps 24.00 as the integer 24: money is hashed as two decimals, always.
    return None if value is None else str(Decimal(str(value)).quantize(_CENT))


def _whole(value: object) -> object:
    if value is None:
        return None
    if isinstance(value, pw.Model):
        return value.get_id()
    return int(value)  # ids and quantities, however the driver typed them


def digest(previous: str, values: Sequence[object]) -> str:
    """The hash of one movement (values in HASHED order) after `previous`."""
    parts = [_norm_at(values[0])]
    for i in range(1, len(HASHED)):
        v = values[i]
        parts.append(_money(v) if i == _MONEY else (v if v is None or i in _TEXT
                                                    else _whole(v)))
    payload = json.dumps(parts, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(f"{previous}\n{payload}".encode()).hexdigest()


def _real(db) -> pw.Database:
    return getattr(db, "obj", None) or db  # a DatabaseProxy: the database behind it


def head(db: pw.Database) -> str:
    """The newest movement's hash, locking the head until the transaction ends."""
    db = _real(db)
    if isinstance(db, pw.PostgresqlDatabase):
        db.execute_sql("SELECT pg_advisory_xact_lock(%s)", (_LOCK_KEY,))
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


def check(rows: Iterable[Sequence], limit: int = 20) -> tuple[list[str], int, str]:
    """(problems, rows checked, head) for movements read as (id, *COLUMNS, prev, hash) in
    id order: the first `limit` rows whose contents or place in the chain are wrong."""
    problems: list[str] = []
    prev, prev_id, n = GENESIS, None, 0
    for row in rows:
        n += 1
        mid, values, stored_prev, stored = row[0], row[1:-2], row[-2], row[-1]
        if stored is None:
            problems.append(f"movement {mid} has no hash: it was written around Stockroom")
            prev, prev_id = GENESIS, mid
            continue
        if digest(stored_prev or GENESIS, values) != stored:
            problems.append(f"movement {mid} was changed after it was written (its contents "
                            "no longer match its hash)")
        elif (stored_prev or GENESIS) != prev:
            after = f"movement {prev_id}" if prev_id is not None else "the start"
            problems.append(f"movement {mid} does not follow {after}: a movement between "
                            "them was removed, or movements were re-ordered")
        prev, prev_id = stored, mid
        if len(problems) >= limit:
            problems.append("... (further rows not checked)")
            break
    return problems, n, prev


def select_sql() -> str:
    return (f"SELECT id, {', '.join(COLUMNS)}, prev_hash, hash FROM movement ORDER BY id")
