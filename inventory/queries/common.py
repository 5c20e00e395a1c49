"""The shape shared by table queries: columns, a search/filter/sort spec, id lists."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import peewee as pw

from .. import models as m
from ..db import is_postgres


@dataclass(frozen=True)
class Column:
    """One column of a table: `kind` tells the screen how to show the value."""

    key: str
    label: str
    kind: str = "text"  # text, int, money, date, datetime, status, kind
    sortable: bool = True
    width: int = 120


@dataclass(frozen=True)
class Spec:
    """What a table shows: free text, named filters, and the sort."""

    search: str = ""
    filters: dict[str, Any] = field(default_factory=dict)
    sort: str = ""
    descending: bool = False

    def get(self, name: str, default: Any = None) -> Any:
        value = self.filters.get(name, default)
        return default if value in (None, "") else value

    def terms(self) -> list[str]:
        """The search split into words: every word must match some field."""
        return [t for t in self.search.split() if t]


class TableQuery:
    """Base for table queries. Subclasses set `columns` and implement the hooks."""

    columns: tuple[Column, ...] = ()
    default_sort: str = ""

    def column_keys(self) -> list[str]:
        return [c.key for c in self.columns]

    def ids(self, spec: Spec) -> list[int]:
        query = self.id_query(spec)
        return [row[0] for row in query.tuples().iterator()]

    def count(self, spec: Spec) -> int:
        return self.id_query(spec).order_by().count()

    def id_query(self, spec: Spec) -> pw.Select:
        raise NotImplementedError

    def rows(self, ids: Sequence[int]) -> dict[int, tuple]:
        """Cells for these ids (in column order); ids that vanished are left out."""
        raise NotImplementedError


def any_contains(term: str, fields: Iterable[Any]) -> Any:
    """`term` appears (case-insensitively) in at least one of `fields` (peewee fields or
    expressions: their `contains` is not in peewee's type hints)."""
    expr: Any = None
    for f in fields:
        e = f.contains(term)
        expr = e if expr is None else (expr | e)
    return expr


def ids_matching(model: type[m.BaseModel], term: str, fields: Iterable[pw.Field]) -> pw.Select:
    """A sub-select of the ids of `model` rows where some field contains `term`."""
    return model.select(model.id).where(any_contains(term, fields))


MAX_LITERAL_IDS = 2000


def matching_ids(model: type[m.BaseModel], term: str,
                 fields: Iterable[pw.Field]) -> list[int] | pw.Select:
    """The ids of `model` rows where some field contains `term`: a short list read now
    (so an empty one can be left out of a search altogether), else the sub-select."""
    sub = ids_matching(model, term, fields)
    ids = raw_ids(sub.limit(MAX_LITERAL_IDS + 1))
    return ids if len(ids) <= MAX_LITERAL_IDS else sub


def any_of(*conditions: Any) -> Any:
    """Any of the conditions (None ones left out); none at all matches nothing."""
    expr: Any = None
    for c in conditions:
        if c is not None:
            expr = c if expr is None else (expr | c)
    return expr if expr is not None else pw.SQL("0 = 1")


def in_matching(field: pw.Field, model: type[m.BaseModel], term: str,
                fields: Iterable[pw.Field]) -> pw.Expression | None:
    """`field IN (ids of model rows matching term)`, or None when there are none."""
    ids = matching_ids(model, term, fields)
    if isinstance(ids, list) and not ids:
        return None
    return field.in_(ids)


def _sqlite_has_json_each() -> bool:
    try:
        sqlite3.connect(":memory:").execute("SELECT value FROM json_each('[1]')").close()
    except sqlite3.Error:
        return False
    return True


SQLITE_JSON = _sqlite_has_json_each()


def in_ids(field: pw.Field, ids: Sequence[int]) -> pw.Expression:
    """`field IN ids`. On SQLite a long list travels as one JSON parameter (json_each):
    peewee spends microseconds on each placeholder it writes, milliseconds on thousands."""
    if len(ids) > 50 and SQLITE_JSON and not is_postgres():
        return field.in_(pw.SQL("(SELECT value FROM json_each(?))",
                                (json.dumps(list(ids)),)))
    return field.in_(list(ids))


def descendants(location_id: int) -> list[int]:
    """A location and every location under it (the tree is small: read it whole)."""
    children: dict[int | None, list[int]] = {}
    for lid, parent in m.Location.select(m.Location.id, m.Location.parent).tuples():
        children.setdefault(parent, []).append(lid)
    out, todo = [], [location_id]
    while todo:
        lid = todo.pop()
        if lid in out:
            continue
        out.append(lid)
        todo.extend(children.get(lid, ()))
    return out


def order(expr: Any, descending: bool) -> Any:
    return expr.desc() if descending else expr.asc()


def fetch_rows(query: pw.Select, ids: Sequence[int], id_field: pw.Field,
               raw: bool = False) -> dict[int, tuple]:
    """Run `query` restricted to `ids`, keyed by the first column (the id).

    `raw`: values straight from the driver (dates may be ISO strings on SQLite; see
    `as_date`), without peewee's per-value conversion: several times faster, and it keeps
    a worker thread from holding the GIL while the UI thread wants to paint.
    """
    if not ids:
        return {}
    out: dict[int, tuple] = {}
    for chunk_start in range(0, len(ids), 500):
        chunk = list(ids[chunk_start:chunk_start + 500])
        q = query.where(id_field.in_(chunk))
        rows = raw_rows(q) if raw else q.tuples()
        for row in rows:
            out[row[0]] = row[1:]
    return out


def raw_rows(query: Any) -> list[tuple]:
    """The rows of a model's select straight from the driver (its `model` is not in
    peewee's hints for `Select`)."""
    sql, params = query.sql()
    return query.model._meta.database.execute_sql(sql, params).fetchall()


def raw_ids(query: pw.Select) -> list[int]:
    return [r[0] for r in raw_rows(query)]


def as_date(value):
    """A date / datetime from what a raw row holds (SQLite gives ISO text)."""
    if isinstance(value, str):
        try:
            return (datetime.fromisoformat(value) if len(value) > 10
                    else date.fromisoformat(value))
        except ValueError:
            return None
    return value


def days_until(d: date | None, today: date) -> int | None:
    return None if d is None else (d - today).days
