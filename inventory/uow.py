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

from . import live
from .changes import ANY_MOVEMENT, MOVEMENT_KINDS, Changes
from .db import Handle, is_postgres, unwrap
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

    def __init__(self, db: Handle, operator: OperatorRef, *, single: bool = False) -> None:
        self.db = unwrap(db)  # a Store from the window, or the database
        self.operator = operator
        self.movement_ids: list[int] = []
        self._changes: list[Changes] = []
        self._outer: UnitOfWork | None = None
        self._tx: Any = None
        self._token: Any = None
        self.ledger_locked = False  # this transaction holds the ledger head's lock
        # One command: on PostgreSQL the transaction is begun only when a statement needs
        # it, so a server-side call that does the whole command is ONE round trip (its own
        # statement is atomic) and sends the change notice itself.
        self.single = single
        self._notified_at: int | None = None

    # -- the transaction -----------------------------------------------------------------

    def __enter__(self) -> UnitOfWork:
        self._outer = _current.get()
        try:
            if self._outer is None:
                live.reconnect_if_lost(self.db)  # the server was away and is back
            else:
                self._outer.begin()
            if not (self.single and self._outer is None and is_postgres(self.db)):
                self.begin()
        except Exception as exc:
            if is_driver_error(exc):
                raise translate(exc) from exc
            raise
        self._token = _current.set(self)
        return self

    def begin(self) -> None:
        """Open the transaction now (a single command's is begun on first need)."""
        if self._tx is None:
            try:
                tx = self.db.atomic()
                tx.__enter__()
            except Exception as exc:
                if is_driver_error(exc):
                    raise translate(exc) from exc
                raise
            self._tx = tx

    @property
    def in_transaction(self) -> bool:
        return self._tx is not None

    def __exit__(self, exc_type, exc, tb) -> None:
        _current.reset(self._token)
        try:
            if self._tx is not None:
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

    def holds_ledger_lock(self) -> bool:
        work: UnitOfWork | None = self
        while work is not None:
            if work.ledger_locked:
                return True
            work = work._outer
        return False

    def lock_ledger(self) -> None:
        """PostgreSQL: take the ledger head's lock before any row lock of this transaction,
        so every writing transaction takes its locks in one order (no deadlocks between
        desks); held until commit. SQLite's writer lock already does this."""
        if self.holds_ledger_lock():
            return
        self.begin()
        real = unwrap(self.db)
        if is_postgres(real):
            from .services.chain import lock_head

            try:
                lock_head(real)
            except Exception as exc:
                if is_driver_error(exc):
                    raise translate(exc) from exc
                raise
            self.ledger_locked = True

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

    def inline_notice(self, kinds: Iterable[str]) -> dict[str, Any] | None:
        """For a server-side call that is this whole unit of work: the change notice's
        known part (`pgcalls.notice_base`), so the server sends it in the same round trip;
        None when the notice waits for `publish` (a basket, a nested unit of work)."""
        if self._outer is not None or not self.single or self._changes:
            return None
        from .pgcalls import notice_base

        return notice_base(self.operator.name or self.operator.username, frozenset(kinds))

    def notified(self) -> None:
        """The server sent the notice for everything recorded so far."""
        self._notified_at = len(self._changes)

    def publish(self) -> None:
        """Tell the other desks what this unit of work changed, in its own transaction
        (PostgreSQL NOTIFY, delivered on commit; SQLite desks watch the file instead)."""
        if self._notified_at is not None and self._notified_at == len(self._changes):
            return  # a server-side call sent it already
        if self._outer is None and self.changes:
            self.begin()
            live.publish(self.db, self.changes, self.operator.name or self.operator.username,
                         self.movement_ids)

    @property
    def changes(self) -> Changes:
        return Changes().merge(*self._changes)


def current() -> UnitOfWork | None:
    """The unit of work in progress on this thread, if any."""
    return _current.get()
