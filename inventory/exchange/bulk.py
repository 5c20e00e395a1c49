"""Many rows in few statements, in the caller's transaction.

Building one peewee query per row (or one huge multi-row query) spends most of an
import's time generating SQL; these helpers build the statement once and hand the
driver every row (`executemany` on SQLite, `execute_values` on PostgreSQL).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import peewee as pw

from ..db import database_proxy, is_postgres

PAGE = 1000


def _db() -> pw.Database:
    db = database_proxy.obj
    if db is None:
        raise RuntimeError("no database is open")
    return db


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _run(sql: str, params: list[tuple], *, values_clause: str | None = None) -> None:
    """Execute `sql` (with ? placeholders) once per row of `params`."""
    if not params:
        return
    db = _db()
    cursor = db.cursor()
    if is_postgres(db):
        if values_clause is not None:
            from psycopg2.extras import execute_values

            execute_values(cursor, sql.replace(values_clause, "VALUES %s"), params,
                           page_size=PAGE)
        else:
            from psycopg2.extras import execute_batch

            execute_batch(cursor, sql.replace("?", "%s"), params, page_size=PAGE)
    else:
        cursor.executemany(sql, params)


def _params(fields: Sequence[pw.Field], rows: Iterable[Sequence]) -> list[tuple]:
    """Rows as driver parameters. Only decimals need peewee's conversion (rounding to
    the column's places); the drivers adapt everything else themselves."""
    convert = [(i, f.db_value) for i, f in enumerate(fields)
               if isinstance(f, pw.DecimalField | pw.BooleanField)]
    if not convert:
        return [tuple(r) for r in rows]
    out = []
    for r in rows:
        r = list(r)
        for i, fn in convert:
            if r[i] is not None:
                r[i] = fn(r[i])
        out.append(tuple(r))
    return out


def insert(model: type[pw.Model], fields: Sequence[pw.Field], rows: Iterable[Sequence]) -> None:
    """INSERT every row (values in `fields` order)."""
    params = _params(fields, rows)
    cols = ", ".join(_q(f.column_name) for f in fields)
    values = "VALUES (" + ", ".join("?" * len(fields)) + ")"
    sql = f"INSERT INTO {_q(model._meta.table_name)} ({cols}) {values}"
    _run(sql, params, values_clause=values)


def update(model: type[pw.Model], fields: Sequence[pw.Field], rows: Iterable[Sequence]) -> None:
    """UPDATE by primary key: each row is the new values in `fields` order, then the id."""
    rows = list(rows)
    params = [p + (r[-1],) for p, r in zip(_params(fields, (r[:-1] for r in rows)), rows,
                                             strict=True)]
    sets = ", ".join(f"{_q(f.column_name)} = ?" for f in fields)
    key: Any = model._meta.primary_key  # a field here (peewee's hint allows False)
    pk = _q(key.column_name)
    _run(f"UPDATE {_q(model._meta.table_name)} SET {sets} WHERE {pk} = ?", params)


def add_stock_many(rows: Iterable[tuple[int, int, int]]) -> None:
    """Add (product id, location id, change) to the stock projection, creating rows."""
    from .. import models as m

    t = _q(m.StockLevel._meta.table_name)
    sql = (f"INSERT INTO {t} (product_id, location_id, quantity, reserved) VALUES (?, ?, ?, 0) "
           f"ON CONFLICT (product_id, location_id) DO UPDATE SET quantity = {t}.quantity + "
           "excluded.quantity")
    _run(sql, list(rows))
