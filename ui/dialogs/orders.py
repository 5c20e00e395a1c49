"""A new purchase order: supplier, where it is delivered, and its lines."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QGridLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QToolButton,
    QWidget,
)

from inventory.commands import Command, CreateOrder
from inventory.queries import lookups

from .. import icons
from ..models.format import count, fmt_money
from .fields import ChoiceCombo, PickerEdit, location_combo
from .form import FormDialog

STOCKING = ("site", "stockroom", "3pl", "msp")


class LineEditor(QWidget):
    """Order lines: a product (type to find it) and a quantity per row."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.products = lookups.products(("device", "spare", "consumable"))
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setHorizontalSpacing(6)
        self.grid.setColumnStretch(0, 1)
        self.rows: list[tuple[PickerEdit, QSpinBox, QToolButton]] = []
        self.add_button = QPushButton("Add a line")
        self.add_button.setIcon(icons.icon("plus"))
        self.add_button.clicked.connect(self.add_line)
        self.add_line()

    def add_line(self, product: str = "", quantity: int = 1) -> None:
        pick = PickerEdit(self.products, "Product name — type to find it")
        pick.setText(product)
        qty = QSpinBox()
        qty.setRange(1, 1_000_000)
        qty.setValue(quantity)
        remove = QToolButton()
        remove.setIcon(icons.icon("close", "#6b7280"))
        remove.setAutoRaise(True)
        remove.setToolTip("Remove this line")
        row = len(self.rows)
        self.grid.addWidget(pick, row, 0)
        self.grid.addWidget(qty, row, 1)
        self.grid.addWidget(remove, row, 2)
        entry = (pick, qty, remove)
        self.rows.append(entry)
        remove.clicked.connect(lambda: self.remove_line(entry))
        self.grid.addWidget(self.add_button, row + 1, 0, 1, 3)
        pick.setFocus()

    def remove_line(self, entry) -> None:
        if len(self.rows) == 1:
            entry[0].clear()
            return
        self.rows.remove(entry)
        for w in entry:
            self.grid.removeWidget(w)
            w.deleteLater()
        for i, (pick, qty, remove) in enumerate(self.rows):
            self.grid.addWidget(pick, i, 0)
            self.grid.addWidget(qty, i, 1)
            self.grid.addWidget(remove, i, 2)
        self.grid.addWidget(self.add_button, len(self.rows), 0, 1, 3)

    def lines(self) -> list[tuple[str, int]]:
        merged: dict[str, int] = {}
        for pick, qty, _ in self.rows:
            if pick.text().strip():
                merged[pick.code()] = merged.get(pick.code(), 0) + qty.value()
        return list(merged.items())

    def unknown(self) -> list[str]:
        return [p.text().strip() for p, _, _ in self.rows
                if p.text().strip() and not p.is_known()]


class OrderDialog(FormDialog):
    heading = "New purchase order"
    ok_text = "Create order"

    def build(self) -> None:
        self.supplier = self.add_field("supplier", "Supplier", ChoiceCombo(
            lookups.suppliers(), none_text="Pick a supplier"))
        self.ship_to = self.add_field("ship_to", "Deliver to", location_combo(
            STOCKING, none_text="Pick a location"))
        self.editor = self.add_field("lines", "Lines", LineEditor(),
                                     hint="Prices come from the supplier's offer, else the "
                                          "product's unit cost.")
        self.note = self.add_field("note", "Note", QLineEdit())
        self.place = self.add_field("place", "", QCheckBox("Place the order now (else a draft)"))
        self.setMinimumWidth(560)

    def validate(self) -> dict[str, str]:
        errors = {}
        if not self.supplier.code():
            errors["supplier"] = "Pick who the order goes to."
        if not self.ship_to.code():
            errors["ship_to"] = "Pick where the goods are delivered."
        unknown = self.editor.unknown()
        if unknown:
            errors["lines"] = f"Not in the catalogue: {', '.join(unknown[:3])}. Pick products " \
                              "from the list."
        elif not self.editor.lines():
            errors["lines"] = "Add at least one product."
        return errors

    def commands(self) -> list[Command]:
        return [CreateOrder(self.supplier.code(), self.ship_to.code(),
                            tuple(self.editor.lines()), (("note", self.note.text().strip()),),
                            place=self.place.isChecked())]

    def done_text(self, result) -> str:
        view = result.view[0]
        self.result_value = view.number
        state = "placed" if view.status == "ordered" else "saved as a draft"
        return f"{view.number} to {view.supplier} {state}: {count(len(view.lines), 'line')}, " \
               f"{fmt_money(view.total)}."

    field_names = {"product": "lines"}
