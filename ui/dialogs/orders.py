"""A purchase order: a new one (supplier, where it is delivered, its lines), or a draft
changed before it is placed (delivery location, lines, quantities, prices, note)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QToolButton,
    QWidget,
)

from inventory.commands import Command, CreateOrder, EditOrder
from inventory.limits import MAX_QUANTITY
from inventory.queries import lookups

from .. import icons
from ..models.format import count, fmt_money
from .fields import ChoiceCombo, PickerEdit, location_combo
from .form import FormDialog
from .offers import amount_problem

STOCKING = ("site", "stockroom", "3pl", "msp")


class LineEditor(QWidget):
    """Order lines: a product (type to find it), a quantity and, with `prices`, a unit price
    per row (empty: the supplier's offer, else the product's cost)."""

    def __init__(self, parent=None, prices: bool = False) -> None:
        super().__init__(parent)
        self.prices = prices
        self.products = lookups.products(("device", "spare", "consumable"))
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setHorizontalSpacing(6)
        self.grid.setColumnStretch(0, 1)
        self.rows: list[tuple[PickerEdit, QSpinBox, QLineEdit | None, QToolButton]] = []
        self.add_button = QPushButton("Add a line")
        self.add_button.setIcon(icons.icon("plus"))
        self.add_button.clicked.connect(lambda: self.add_line())
        self.add_line()

    def add_line(self, product: str = "", quantity: int = 1, price: object = None) -> None:
        if len(self.rows) == 1 and not self.rows[0][0].text() and product:
            self.remove_line(self.rows[0], force=True)  # the empty first row
        pick = PickerEdit(self.products, "Product name — type to find it")
        pick.set_code(product)
        pick.setCursorPosition(0)  # the start of a long name, not its end
        pick.setToolTip(pick.text())
        pick.textChanged.connect(pick.setToolTip)
        qty = QSpinBox()
        qty.setRange(1, MAX_QUANTITY)
        qty.setValue(quantity)
        qty.setMaximumWidth(90)
        cost = None
        if self.prices:
            cost = QLineEdit("" if price is None else f"{price:.2f}")
            cost.setPlaceholderText("Offer price")
            cost.setToolTip("The unit price on this order; empty: the supplier's offer")
            cost.setMaximumWidth(100)
        remove = QToolButton()
        remove.setIcon(icons.icon("close", "#6b7280"))
        remove.setAutoRaise(True)
        remove.setToolTip("Remove this line")
        entry = (pick, qty, cost, remove)
        self.rows.append(entry)
        remove.clicked.connect(lambda: self.remove_line(entry))
        self._place()
        if not product:
            pick.setFocus()

    def _place(self) -> None:
        top = 0
        if self.prices:  # say which box is which
            if not hasattr(self, "_heads"):
                self._heads = [QLabel(t) for t in ("Product", "Quantity", "Unit price")]
                for h in self._heads:
                    h.setObjectName("Muted")
            for c, h in enumerate(self._heads):
                self.grid.addWidget(h, 0, c)
            top = 1
        for i, entry in enumerate(self.rows):
            for c, w in enumerate(x for x in entry if x is not None):
                self.grid.addWidget(w, top + i, c)
        self.grid.addWidget(self.add_button, top + len(self.rows), 0, 1, 4)

    def remove_line(self, entry, force: bool = False) -> None:
        if len(self.rows) == 1 and not force:
            entry[0].clear()
            if entry[2] is not None:
                entry[2].clear()
            return
        self.rows.remove(entry)
        for w in entry:
            if w is not None:
                self.grid.removeWidget(w)
                w.hide()
                w.deleteLater()
        self._place()

    def lines(self) -> list[tuple[str, int]]:
        merged: dict[str, int] = {}
        for pick, qty, _, _ in self.rows:
            if pick.text().strip():
                merged[pick.code()] = merged.get(pick.code(), 0) + qty.value()
        return list(merged.items())

    def priced_lines(self) -> list[tuple[str, int, str | None]]:
        """(product, quantity, price text or None) per row that names a product."""
        return [(pick.code(), qty.value(),
                 (cost.text().replace(",", "").strip() or None) if cost is not None else None)
                for pick, qty, cost, _ in self.rows if pick.text().strip()]

    def price_problem(self) -> str | None:
        for pick, _, cost, _ in self.rows:
            if cost is not None and cost.text().strip() and pick.text().strip():
                if problem := amount_problem(cost.text(), f"The price of {pick.text()}"):
                    return problem
        return None

    def repeated(self) -> list[str]:
        codes = [p.code() for p, *_ in self.rows if p.text().strip()]
        return sorted({p.text().strip() for p, *_ in self.rows
                       if p.text().strip() and codes.count(p.code()) > 1})

    def unknown(self) -> list[str]:
        return [p.text().strip() for p, *_ in self.rows
                if p.text().strip() and not p.is_known()]


class OrderDialog(FormDialog):
    """A new order, or a draft changed (`detail`: the draft's OrderDetail)."""

    field_names = {"product": "lines"}

    def __init__(self, ctx, parent=None, detail=None) -> None:
        self.draft = detail
        self.heading = f"Edit draft {detail.number}" if detail else "New purchase order"
        self.ok_text = "Save draft" if detail else "Create order"
        if detail is not None:
            self.description = f"To {detail.supplier}. Place it when it is right; until then " \
                               "nothing is sent."
        super().__init__(ctx, parent)

    def build(self) -> None:
        d = self.draft
        self.supplier = self.add_field("supplier", "Supplier", ChoiceCombo(
            lookups.suppliers(), none_text="Pick a supplier"))
        self.ship_to = self.add_field("ship_to", "Deliver to", location_combo(
            STOCKING, none_text="Pick a location"))
        self.editor = self.add_field("lines", "Lines", LineEditor(prices=d is not None),
                                     hint="Prices come from the supplier's offer, else the "
                                          "product's unit cost.")
        self.note = self.add_field("note", "Note", QLineEdit())
        self.note.setMaxLength(1000)
        self.place = self.add_field("place", "", QCheckBox("Place the order now (else a draft)"))
        if d is not None:
            self.supplier.set_code(d.supplier)
            self.supplier.setEnabled(False)  # another supplier: another order
            self.ship_to.set_code(d.ship_to_code)
            for ln in d.lines:
                self.editor.add_line(ln.code, ln.quantity, ln.unit_price)
            self.note.setText(d.note)
            self.place.hide()
        self.setMinimumWidth(740 if d is not None else 560)

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
        elif self.draft is not None and (repeated := self.editor.repeated()):
            errors["lines"] = f"{repeated[0]} is on two lines; put it on one."
        elif problem := self.editor.price_problem():
            errors["lines"] = problem
        return errors

    def commands(self) -> list[Command]:
        if self.draft is not None:
            return [EditOrder(self.draft.number, ship_to=self.ship_to.code(),
                              lines=tuple(self.editor.priced_lines()),
                              note=self.note.text().strip())]
        return [CreateOrder(self.supplier.code(), self.ship_to.code(),
                            tuple(self.editor.lines()), (("note", self.note.text().strip()),),
                            place=self.place.isChecked())]

    def done_text(self, result) -> str:
        view = result.view[0]
        self.result_value = view.number
        lines = count(len(view.lines), "line")
        if self.draft is not None:
            return f"Draft {view.number} saved: {lines}, {fmt_money(view.total)}."
        state = "placed" if view.status == "ordered" else "saved as a draft"
        return f"{view.number} to {view.supplier} {state}: {lines}, {fmt_money(view.total)}."
