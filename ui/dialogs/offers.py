"""Supplier offers: a supplier's price, pack size, minimum order and quoted lead time for a
product. With one the reorder engine has a lead time (and so a reorder point) and a price.

`OfferFields` puts the fields on any form (the offer dialog, and the new-product dialog for
the product's first offer); `OfferDialog` adds or edits one offer; `confirm_remove` asks
before an offer is removed.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from PySide6.QtWidgets import QCheckBox, QDoubleSpinBox, QLineEdit, QMessageBox, QSpinBox, QWidget

from inventory.commands import AddOffer, Command, EditOffer, RemoveOffer
from inventory.limits import MAX_LEAD_DAYS, MAX_PACK
from inventory.queries import lookups
from inventory.queries.offers import OfferRow

from ..models.format import fmt_number
from ..widgets.columns import ColumnPolicy
from .fields import ChoiceCombo
from .form import FormDialog


def amount_problem(text: str, what: str) -> str | None:
    """What is wrong with an amount typed into a field (None: it is a fine amount)."""
    try:
        if Decimal(text.replace(",", "").strip()) < 0:
            return f"{what} cannot be negative."
    except InvalidOperation:
        return "Type a number, like 39.90."
    return None


def _spin(low: int, high: int, value: int) -> QSpinBox:
    s = QSpinBox()
    s.setRange(low, high)
    s.setValue(value)
    return s


def lead_days(days: float) -> str:
    """A quoted lead time in days ("10 days", "2.5 days")."""
    places = 0 if float(days).is_integer() else 1
    return f"{fmt_number(days, places)} day{'' if float(days) == 1 else 's'}"


class OfferFields:
    """The offer's fields on `form`; `optional`: no supplier picked means no offer."""

    def __init__(self, form: FormDialog, offer: OfferRow | None = None, *,
                 price: object = "", optional: bool = False, preferred: bool = False) -> None:
        self.optional = optional
        none = "No offer yet" if optional else "Pick one"
        self.supplier = form.add_field("supplier", "Supplier", ChoiceCombo(
            lookups.suppliers(), none_text=none))
        self.price = form.add_field("unit_price", "Unit price", QLineEdit(
            str(offer.unit_price if offer else price or "")))
        self.price.setPlaceholderText("e.g. 35.00")
        self.lead = form.add_field("lead_time_days", "Lead time", QDoubleSpinBox())
        self.lead.setToolTip("The supplier's quoted days from order to delivery.")
        self.lead.setDecimals(1)
        self.lead.setRange(0.5, MAX_LEAD_DAYS)
        self.lead.setSuffix(" days")
        self.lead.setValue(offer.lead_time_days if offer else 14)
        self.pack = form.add_field("pack_size", "Pack size", _spin(
            1, MAX_PACK, offer.pack_size if offer else 1))
        self.minimum = form.add_field("min_order", "Minimum order", _spin(
            1, MAX_PACK, offer.min_order if offer else 1))
        self.part = form.add_field("supplier_part", "Supplier's part no.", QLineEdit(
            offer.supplier_part if offer else ""))
        self.part.setPlaceholderText("Optional")
        self.part.setMaxLength(100)
        self.preferred = form.add_field("preferred", "", QCheckBox(
            "Preferred supplier (bought from first)"))
        self.preferred.setChecked(offer.preferred if offer else preferred)
        if offer is not None:
            self.supplier.set_code(offer.supplier)
            self.supplier.setEnabled(False)  # the offer is this supplier's
        if optional:
            self.supplier.currentIndexChanged.connect(self._switch)
            self._switch()

    def widgets(self) -> list[QWidget]:
        return [self.price, self.lead, self.pack, self.minimum, self.part, self.preferred]

    def _switch(self) -> None:
        on = bool(self.supplier.code())
        for w in self.widgets():
            w.setEnabled(on)

    def wanted(self) -> bool:
        return bool(self.supplier.code()) or not self.optional

    def validate(self) -> dict[str, str]:
        if not self.wanted():
            return {}
        errors = {}
        if not self.supplier.code():
            errors["supplier"] = "Pick the supplier (add suppliers by importing them)."
        if not self.price.text().strip():
            errors["unit_price"] = "Type the supplier's price per unit."
        elif problem := amount_problem(self.price.text(), "A price"):
            errors["unit_price"] = problem
        return errors

    def values(self) -> dict[str, object]:
        return dict(unit_price=Decimal(self.price.text().replace(",", "").strip()),
                    lead_time_days=self.lead.value(), pack_size=self.pack.value(),
                    min_order=self.minimum.value(), supplier_part=self.part.text().strip(),
                    preferred=self.preferred.isChecked())

    def add_command(self, product_code: str) -> AddOffer:
        return AddOffer(self.supplier.code(), product_code, **self.values())  # type: ignore[arg-type]


class OfferDialog(FormDialog):
    """Add an offer to a product, or edit one (`offer` given)."""

    def __init__(self, ctx, product_code: str, product_name: str,
                 offer: OfferRow | None = None, *, has_offers: bool = False,
                 unit_cost: object = "", parent=None) -> None:
        self.product_code, self.product_name = product_code, product_name
        self.offer = offer
        self._has_offers, self._unit_cost = has_offers, unit_cost
        self.heading = f"Edit {offer.supplier}'s offer" if offer else "Add supplier offer"
        self.ok_text = "Save" if offer else "Add offer"
        self.description = product_name
        super().__init__(ctx, parent)

    def build(self) -> None:
        self.fields = OfferFields(self, self.offer, price=self._unit_cost,
                                  preferred=not self._has_offers)
        f = self.fields
        self.supplier, self.price, self.lead = f.supplier, f.price, f.lead
        self.pack, self.minimum, self.part, self.preferred = (f.pack, f.minimum, f.part,
                                                              f.preferred)

    def validate(self) -> dict[str, str]:
        return self.fields.validate()

    def commands(self) -> list[Command]:
        if self.offer is None:
            return [self.fields.add_command(self.product_code)]
        return [EditOffer(self.offer.supplier, self.product_code,
                          tuple(self.fields.values().items()))]

    def done_text(self, result) -> str:
        if self.offer is None:
            return f"Offer from {self.fields.supplier.currentText()} added to " \
                   f"{self.product_name}."
        return f"{self.offer.supplier}'s offer for {self.product_name} saved."


def confirm_remove(parent: QWidget, offer: OfferRow, product_name: str) -> bool:
    """Ask before an offer goes (orders already made keep their prices)."""
    box = QMessageBox(QMessageBox.Icon.Question, "Remove supplier offer",
                      f"Stop buying {product_name} from {offer.supplier}?", parent=parent)
    box.setInformativeText("Orders already made keep their prices. Without an offer the "
                           "reorder list cannot buy it from this supplier.")
    remove = box.addButton("Remove offer", QMessageBox.ButtonRole.DestructiveRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.exec()
    return box.clickedButton() is remove


def remove_command(offer: OfferRow, product_code: str) -> RemoveOffer:
    return RemoveOffer(offer.supplier, product_code)


ROW_HEIGHT = 28


class OffersEditor(QWidget):
    """A product's offers in a small table with Add / Edit / Remove: each change is
    written at once (through the operation runner) and the table read again."""

    def __init__(self, ctx, product_id: int, product_code: str, product_name: str,
                 unit_cost: object = "", parent=None) -> None:
        from PySide6.QtWidgets import (
            QAbstractItemView,
            QHBoxLayout,
            QPushButton,
            QTableWidget,
            QVBoxLayout,
        )

        super().__init__(parent)
        self.ctx = ctx
        self.product_id, self.code, self.name = product_id, product_code, product_name
        self.unit_cost = unit_cost
        self.rows: list[OfferRow] = []
        self.message = ""
        col = QVBoxLayout(self)
        col.setContentsMargins(0, 0, 0, 0)
        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels(["Supplier", "Price", "Pack", "Min", "Lead time"])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(ROW_HEIGHT)
        self.table.horizontalHeader().setFixedHeight(ROW_HEIGHT)
        # The window's column policy: the supplier stretches, the price always shows.
        self.columns = ColumnPolicy(self.table, stretch=0, keys=(0, 1), hide_order=(3, 2, 4))
        self.table.doubleClicked.connect(lambda _i: self.edit())
        col.addWidget(self.table)
        row = QHBoxLayout()
        self.add_button = QPushButton("Add offer…")
        self.edit_button = QPushButton("Edit offer…")
        self.remove_button = QPushButton("Remove offer")
        for b in (self.add_button, self.edit_button, self.remove_button):
            row.addWidget(b)
        row.addStretch(1)
        col.addLayout(row)
        self.add_button.clicked.connect(self.add)
        self.edit_button.clicked.connect(self.edit)
        self.remove_button.clicked.connect(self.remove)
        self.table.itemSelectionChanged.connect(self._enable)
        self.reload()

    def reload(self) -> None:
        from PySide6.QtWidgets import QTableWidgetItem

        from inventory.queries.offers import for_product

        from ..models.format import fmt_money

        self.rows = for_product(self.product_id)
        self.table.setRowCount(len(self.rows))
        for r, o in enumerate(self.rows):
            cells = [o.supplier + (" ★" if o.preferred else ""), fmt_money(o.unit_price),
                     str(o.pack_size), str(o.min_order), lead_days(o.lead_time_days)]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(r, c, item)
        self._fit()
        self._enable()

    def _fit(self) -> None:
        # Fixed row heights: the table's height is right before the style is applied.
        shown = max(1, min(len(self.rows), 4))  # up to four rows without scrolling
        self.table.setFixedHeight(ROW_HEIGHT * (shown + 1) + 2 * self.table.frameWidth() + 2)

    def _enable(self) -> None:
        one = self.current() is not None
        self.edit_button.setEnabled(one)
        self.remove_button.setEnabled(one)

    def current(self) -> OfferRow | None:
        r = self.table.currentRow()
        return self.rows[r] if 0 <= r < len(self.rows) and self.table.selectedItems() else None

    def _open(self, dialog: OfferDialog) -> None:
        def finished(code: int) -> None:
            if code:
                self.message = dialog.result_message
                self.reload()
            dialog.deleteLater()

        dialog.finished.connect(finished)
        dialog.open()
        self.dialog = dialog

    def add(self) -> None:
        self._open(OfferDialog(self.ctx, self.code, self.name, has_offers=bool(self.rows),
                               unit_cost=self.unit_cost, parent=self))

    def edit(self) -> None:
        if (o := self.current()) is not None:
            self._open(OfferDialog(self.ctx, self.code, self.name, o, parent=self))

    def remove(self, confirm=confirm_remove) -> None:
        o = self.current()
        if o is None or not confirm(self, o, self.name):
            return

        def done(_result) -> None:
            self.message = f"{o.supplier} no longer offers {self.name}."
            self.reload()

        self.ctx.ops.run(remove_command(o, self.code), done=done, parent=self)
