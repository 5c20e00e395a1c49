"""The operations layer: every write goes through here (Anki's CollectionOp → OpChanges).

    result = operations.execute(db, operator, CheckOut(tag="IT-000001", person="E100"))
    result.view          # what was written (a plain view)
    result.changes       # kinds / tables / ids changed, for the window's change notice
    result.movement_ids  # the ledger rows appended, e.g. for "undo last scan"

`execute` takes one command or a basket of several: one unit of work, all or nothing,
the same rule for the window's dialogs, the scan station and the command line. The change
set is published to the other desks in the same transaction (`inventory/live.py`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from . import live
from .changes import Changes
from .commands import Command
from .db import Handle
from .errors import InventoryError
from .operators import OperatorRef
from .uow import UnitOfWork


@dataclass(frozen=True)
class Result:
    """What one command (or a basket) wrote."""

    view: Any
    changes: Changes
    movement_ids: tuple[int, ...] = ()

    @property
    def movement_id(self) -> int | None:
        """The last movement appended (the one "undo" takes back), if any."""
        return self.movement_ids[-1] if self.movement_ids else None


@dataclass(frozen=True)
class BasketResult(Result):
    """Several commands in one unit of work; `view` is the list of their views."""

    results: tuple[Result, ...] = ()


def run(uow: UnitOfWork, command: Command) -> Result:
    """Carry out one command inside `uow` (its role checked first)."""
    uow.require(command.action)
    if not command.locks_ledger_itself:
        uow.lock_ledger()  # the transaction begun, and on PostgreSQL the ledger head's
        # lock taken before any row lock (one lock order for every desk: no deadlocks)
    mark = uow.mark()
    view = command.apply(uow)
    if command.kinds:
        uow.touched(*command.kinds)
    movement_ids, changes = uow.since(mark)
    return Result(view, changes, movement_ids)


def execute_all(db: Handle, operator: OperatorRef,
                commands: Iterable[Command]) -> BasketResult:
    """A basket: every command in one transaction; if one is refused, none is written."""
    results: list[Result] = []
    commands = list(commands)
    with UnitOfWork(db, operator, single=len(commands) == 1) as uow:
        for i, command in enumerate(commands):
            try:
                results.append(run(uow, command))
            except InventoryError as exc:
                exc.basket_index = i  # which command of the basket was refused
                raise
        uow.publish()
    live.note_own_commit(db, uow.movement_ids)
    return BasketResult([r.view for r in results], uow.changes, tuple(uow.movement_ids),
                        tuple(results))


def execute(db: Handle, operator: OperatorRef, command: Command) -> Result:
    """One command in its own unit of work."""
    with UnitOfWork(db, operator, single=True) as uow:
        result = run(uow, command)
        uow.publish()
    live.note_own_commit(db, uow.movement_ids)
    return result
