"""The unit of work (cosmicpython's shape): one transaction, the role check, driver errors
translated once, and the record of what was written.

    with UnitOfWork(db, operator) as uow:
        result = operations.run(uow, CheckOut(tag="IT-000001", person="E100"))

Leaving the block commits; an exception rolls everything back, so a basket of several
commands is all or nothing. Services never commit; `ledger.record` reports each movement
it appends to the unit of work in progress.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import peewee as pw

from . import live
from .changes import ANY_MOVEMENT, MOVEMENT_KINDS, Changes
from .dberrors import is_driver_error, translate
from .operators import OperatorRef
from .roles import require

_current: ContextVar[UnitOfWork | None] = ContextVar("stockroom_uow", default=None)


@dataclass(frozen=True)
class Mark:
    """Where a command started in its unit of work (to tell its own movements apart)."""

    movements: int
    changes: int


class UnitOfWork:
    """A context manager owning one transaction; reentrant (an inner one is a savepoint)."""

    def __init__(self, db: pw.Database, operator: OperatorRef) -> None:
        self.db = db
        self.operator = operator
        self.movement_ids: list[int] = []
        self._changes: list[Changes] = []
        self._outer: UnitOfWork | None = None
        self._tx: Any = None
        self._token: Any = None

    # -- the transaction -----------------------------------------------------------------

    def __enter__(self) -> UnitOfWork:
        self._outer = _current.get()
        try:
            if self._outer is None:
                live.reconnect_if_lost(self.db)  # the server was away and is back
            self._tx = self.db.atomic()
            self._tx.__enter__()
        except Exception as exc:
            if is_driver_error(exc):
                raise translate(exc) from exc
            raise
        self._token = _current.set(self)
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        _current.reset(self._token)
        try:
            self._tx.__exit__(exc_type, exc, tb)
        except Exception as commit_exc:
            if is_driver_error(commit_exc):
                raise translate(commit_exc) from commit_exc
            raise
        if exc is not None and is_driver_error(exc):
            raise translate(exc) from exc
        if exc is None and self._outer is not None:
            self._outer.movement_ids.extend(self.movement_ids)
            self._outer._changes.extend(self._changes)

    # -- rules ---------------------------------------------------------------------------

    def require(self, action: str) -> None:
        """Refuse the operator's request unless the role allows `action`."""
        require(self.operator.role, action)

    # -- what was written ----------------------------------------------------------------

    def appended(self, movement_id: int, kind: str, *, product: int | None = None,
                 asset: int | None = None, license: int | None = None) -> None:
        """`ledger.record` appended a movement in this unit of work."""
        self.movement_ids.append(movement_id)
        ids: dict[str, list[int]] = {"movement": [movement_id]}
        if product is not None:
            ids["product"] = [product]
        if asset is not None:
            ids["asset"] = [asset]
        if license is not None:
            ids["license"] = [license]
        kinds = MOVEMENT_KINDS.get(kind, ANY_MOVEMENT)
        self._changes.append(Changes.of("movements", *kinds, tables=("movement",), ids=ids))

    def touched(self, *kinds: str, tables: Iterable[str] = (),
                ids: dict[str, Iterable[int]] | None = None) -> None:
        """Something other than the ledger was written (a product, a person, an order)."""
        self._changes.append(Changes.of(*kinds, tables=tables, ids=ids))

    def mark(self) -> Mark:
        return Mark(len(self.movement_ids), len(self._changes))

    def since(self, mark: Mark) -> tuple[tuple[int, ...], Changes]:
        """The movements and changes recorded after `mark`."""
        return (tuple(self.movement_ids[mark.movements:]),
                Changes().merge(*self._changes[mark.changes:]))

    def publish(self) -> None:
        """Tell the other desks what this unit of work changed, in its own transaction
        (PostgreSQL NOTIFY, delivered on commit; SQLite desks watch the file instead)."""
        if self._outer is None:
            live.publish(self.db, self.changes, self.operator.name or self.operator.username,
                         self.movement_ids)

    @property
    def changes(self) -> Changes:
        return Changes().merge(*self._changes)


def current() -> UnitOfWork | None:
    """The unit of work in progress on this thread, if any."""
    return _current.get()
