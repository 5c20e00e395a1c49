"""What every station mode has: a panel, how it answers a scan, confirm, undo, cancel.

A mode calls the inventory services and returns an `Outcome`; a service's
`InventoryError` propagates to the page, which shows its message in red. Modes never
touch models: they get `Resolution`s and plain views back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from inventory.changes import Changes
from inventory.commands import Command, Undo
from inventory.operations import BasketResult, execute_all
from inventory.operators import OperatorRef
from inventory.services.resolve import Resolution

from ..feedback import Outcome, info, ok, refused
from ..parsing import Parsed


@dataclass
class Context:
    db: Any
    operator: OperatorRef
    settings: Any = None
    written: list[Changes] = field(default_factory=list)  # since the last change notice

    def take_changes(self) -> Changes:
        """What the modes wrote since the last notice, merged into one."""
        merged, self.written[:] = Changes().merge(*self.written), []
        return merged


# How to name each kind of thing a scan may be, for "that is a … here" refusals.
THING = {"asset": "an asset", "product": "a product", "person": "a person's badge",
         "location": "a location label", "order": "a purchase order",
         "shipment": "a shipment"}
# Keys for each mode: F2–F4 and F6–F8 (F5 is Refresh) work anywhere in the main window (it
# owns them), Alt+1–6 inside the station.
MODE_KEYS = {"checkout": ("F2", "Alt+1"), "checkin": ("F3", "Alt+2"),
             "receive": ("F4", "Alt+3"), "transfer": ("F8", "Alt+4"),
             "count": ("F6", "Alt+5"), "issue": ("F7", "Alt+6")}
# Where a scan of that kind is used.
WHERE = {"order": "Receive (F4)", "shipment": "Transfer (F8)",
         "location": "Count (F6) or Transfer (F8)"}


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

    def __init__(self, ctx: Context, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx

    @property
    def db(self):
        return self.ctx.db

    @property
    def op(self) -> OperatorRef:
        return self.ctx.operator

    # -- what the page calls --------------------------------------------
    def on_scan(self, parsed: Parsed, res: Resolution, source: str) -> Outcome:
        raise NotImplementedError

    def title_for(self, res: Resolution) -> str:
        """The big text for a scan this mode refused."""
        return res.label

    def confirm(self) -> Outcome:
        return info("Nothing to confirm", f"{self.title} posts each scan as it comes.")

    def undo_last(self) -> Outcome:
        return info("Nothing to undo", "No scan in this mode yet.")

    def cancel(self) -> Outcome:
        return info(self.title, self.hint)

    def set_quantity(self, n: int) -> Outcome:
        return info(f"Quantity {n}", f"{self.title} does not use quantities.")

    def refresh(self) -> None:
        """Something changed elsewhere: reload lists shown in the panel."""

    def activated(self) -> None:
        """The mode was switched to."""

    # -- helpers ----------------------------------------------------------
    def execute(self, *commands: Command) -> BasketResult:
        """Run commands as one unit of work (a basket is all or nothing)."""
        result = execute_all(self.db, self.op, commands)
        self.ctx.written.append(result.changes)
        return result

    def posted(self, command: Command) -> tuple[Any, int | None]:
        """Run one command; return its view and the movement it appended."""
        result = self.execute(command)
        return result.view[0], result.movement_id

    def undo_movement(self, movement: int | None, what: str) -> Outcome:
        if movement is None:
            return refused(what, "It did not reach the ledger, so there is nothing to undo.")
        view, _ = self.posted(Undo(movement, "undo last scan at the station"))
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
