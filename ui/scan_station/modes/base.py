"""What every station mode has: a panel, how it answers a scan, confirm, undo, cancel.

A mode answers with an `Outcome`, or, when it needs the database, with a job (a
generator, see `ui/scan_station/jobs.py`) that yields its lookups and writes and returns
the `Outcome`; the page runs it on the station's queue, never waiting on the UI thread. A
service's `InventoryError` is raised at the `yield`; uncaught, the page shows it in red.
Modes never touch models: they get `Resolution`s and plain views back.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from inventory.commands import Command, Undo
from inventory.operations import BasketResult
from inventory.operators import OperatorRef
from inventory.services.resolve import Resolution
from inventory.store import Store

from ...tasks import TaskRunner
from ..feedback import Outcome, info, ok, refused
from ..jobs import Answer, Request, Step, write
from ..parsing import Parsed


@dataclass
class Context:
    """What the modes share: the open store (handed to inventory functions on the worker,
    never queried here), who is working, the settings, and the worker for lookups made
    outside a job (a person search while typing, a note beside a choice)."""

    store: Store
    operator: OperatorRef
    settings: Any
    runner: TaskRunner


# How to name each kind of thing a scan may be, for "that is a … here" refusals.
THING = {"asset": "an asset", "product": "a product", "person": "a person's badge",
         "location": "a location label", "order": "a purchase order",
         "shipment": "a shipment"}
# Keys for each mode: F2–F4 and F6–F10 (F5 is Refresh) work anywhere in the main window
# (it owns them), Alt+1–8 inside the station.
MODE_KEYS = {"checkout": ("F2", "Alt+1"), "checkin": ("F3", "Alt+2"),
             "receive": ("F4", "Alt+3"), "transfer": ("F10", "Alt+4"),
             "count": ("F6", "Alt+5"), "issue": ("F7", "Alt+6"),
             "kit": ("F8", "Alt+7"), "returns": ("F9", "Alt+8")}
# Where a scan of that kind is used.
WHERE = {"order": "Receive (F4)", "shipment": "Transfer (F10)",
         "location": "Count (F6) or Transfer (F10)"}


class Mode(QWidget):
    name = ""
    title = ""
    action = "check_out"  # the role action its writes need (inventory.roles)
    hint = ""  # what to scan first

    # The panel's own buttons ask the page to run one of the mode's actions by name
    # ("confirm", "undo_last", "cancel", ...), so errors are shown the same way.
    requested = Signal(str)
    # Something happened in the panel itself (a person picked, a list reloaded).
    announced = Signal(object)
    # The panel asks the page to queue a job (a zero-argument callable giving an Answer),
    # e.g. an order picked from the list: it runs in turn with the scans.
    job = Signal(object)

    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx

    @property
    def op(self) -> OperatorRef:
        return self.ctx.operator

    # -- what the page calls --------------------------------------------
    def begin_scan(self) -> None:
        """A scan's turn has come, before its lookup: take the inputs that belong to it
        (a click meanwhile is for the next scan)."""

    def on_scan(self, parsed: Parsed, res: Resolution, source: str) -> Answer:
        raise NotImplementedError

    def title_for(self, res: Resolution) -> str:
        """The big text for a scan this mode refused."""
        return res.label

    def confirm(self) -> Answer:
        return info("Nothing to confirm", f"{self.title} posts each scan as it comes.")

    def undo_last(self) -> Answer:
        return info("Nothing to undo", "No scan in this mode yet.")

    def cancel(self) -> Answer:
        return info(self.title, self.hint)

    def set_quantity(self, n: int) -> Outcome:
        return info(f"Quantity {n}", f"{self.title} does not use quantities.")

    def refresh(self) -> Step | None:
        """Something changed elsewhere: reload lists shown in the panel (a job)."""
        return None

    def activated(self) -> Step | None:
        """The mode was switched to (a job when it loads its lists)."""
        return None

    # -- helpers ----------------------------------------------------------
    def execute(self, *commands: Command) -> Generator[Request, Any, BasketResult]:
        """`result = yield from self.execute(...)`: one unit of work on the worker (a
        basket is all or nothing)."""
        return (yield from write(*commands))

    def posted(self, command: Command) -> Generator[Request, Any, tuple[Any, int | None]]:
        """`view, movement = yield from self.posted(cmd)`: one command, its view and the
        movement it appended."""
        result = yield from write(command)
        return result.view[0], result.movement_id

    def undo_movement(self, movement: int | None, what: str) -> Step:
        if movement is None:
            return refused(what, "It did not reach the ledger, so there is nothing to undo.")
        view, _ = yield from self.posted(Undo(movement, "undo last scan at the station"))
        return ok(f"Undone: {what}", view.description + ".")

    def wrong_kind(self, res: Resolution, wanted: str) -> Outcome:
        if not res.known:
            return refused(res.label, res.reason)
        where = WHERE.get(res.kind)
        detail = f"That is {THING.get(res.kind, res.kind)}; {self.title} takes {wanted}."
        if where:
            detail += f" Use it in {where}."
        return refused(res.label, detail)


PRIMARY = ("confirm", "approve")
PRIMARY_STYLE = ("QPushButton { background: #2563eb; color: #ffffff; font-weight: bold;"
                 " border: 1px solid #1d4ed8; border-radius: 5px; padding: 5px 12px; }"
                 "QPushButton:disabled { background: #93c5fd; }"
                 "QPushButton:focus { border: 2px solid #111827; }")


def buttons(mode: Mode, *items: tuple[str, str]) -> QHBoxLayout:
    """A row of buttons; each asks the page to run the named action of the mode."""
    row = QHBoxLayout()
    for label, request in items:
        b = QPushButton(label)
        b.setObjectName(f"{mode.name}_{request}")
        if request in PRIMARY:
            b.setStyleSheet(PRIMARY_STYLE)
        b.clicked.connect(lambda _=False, r=request: mode.requested.emit(r))
        row.addWidget(b)
    row.addStretch(1)
    return row


def heading(text: str) -> QLabel:
    label = QLabel(text)
    f = label.font()
    f.setBold(True)
    label.setFont(f)
    return label
