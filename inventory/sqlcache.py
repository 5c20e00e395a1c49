"""Compiled SQL for the hot paths (a scan at the counter): peewee builds each statement once
per backend, then only the parameters change. Saves most of a service call's Python time."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import peewee as pw

from .db import database_proxy

# (backend class, key) -> (sql, parameter names in order)
_compiled: dict[tuple[type, str], tuple[str, list[str]]] = {}


def slot(name: str) -> pw.Value:
    """A named placeholder: a value that peewee passes through untouched."""
    return pw.Value(f"\x00{name}", converter=None)


def compiled(key: str, build: Callable[[], pw.Query]) -> tuple[pw.Database, str, list[str]]:
    db = database_proxy.obj
    k = (type(db), key)
    hit = _compiled.get(k)
    if hit is None:
        sql, params = build().sql()
        names = []
        for p in params:
            if not (isinstance(p, str) and p.startswith("\x00")):
                raise RuntimeError(f"{key}: parameter {p!r} is not a slot")
            names.append(p[1:])
        hit = _compiled[k] = (sql, names)
    return db, hit[0], hit[1]


def execute(key: str, build: Callable[[], pw.Query], values: Mapping[str, Any]):
    db, sql, names = compiled(key, build)
    return db.execute_sql(sql, [values[n] for n in names])


def hydrate(model: type[pw.Model], fields: Sequence[pw.Field], row: Sequence[Any]) -> Any:
    """A model instance from raw column values, converted as peewee would."""
    obj: Any = model.__new__(model)
    obj.__data__ = {f.name: (f.python_value(v) if v is not None else None)
                    for f, v in zip(fields, row, strict=True)}
    obj._dirty = set()
    obj.__rel__ = {}
    return obj
