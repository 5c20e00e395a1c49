"""Spares and consumables: issue, transfer, adjust, and the product record itself."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QSpinBox

from inventory.codes import gtin_valid
from inventory.commands import (
    Adjust,
    Command,
    CreateProduct,
    EditProduct,
    Issue,
    Transfer,
)
from inventory.queries.lookups import product_code
from inventory.queries.stock import SpareDetail
from inventory.vocab import PRODUCT_KINDS

from .. import style
from .fields import ChoiceCombo, location_combo, person_picker, person_problem
from .form import FormDialog
from .offers import OfferDialog, OfferFields, OffersEditor, amount_problem  # noqa: F401

STOCKING = ("site", "stockroom", "3pl", "msp")


def _levels_combo(d: SpareDetail, kinds=STOCKING, none_text: str | None = None) -> ChoiceCombo:
    combo = ChoiceCombo([], none_text=none_text)
    for s in d.levels:
        if s.kind in kinds and s.quantity > 0:
            combo.addItem(f"{s.location} — {s.quantity} on hand", s.code)
    return combo


class IssueDialog(FormDialog):
    heading = "Issue spares"
    ok_text = "Issue"
    field_names = {"location": "source"}

    def __init__(self, ctx, detail: SpareDetail, parent=None) -> None:
        self.d = detail
        self.description = detail.name
        super().__init__(ctx, parent)

    def build(self) -> None:
        self.person = self.add_field("person", "To", person_picker())
        self.quantity = self.add_field("quantity", "Quantity", QSpinBox())
        self.quantity.setRange(1, 100_000)
        self.source = self.add_field("source", "From", _levels_combo(
            self.d, ("site", "stockroom"), none_text="The person's site (automatic)"))
        self.reference = self.add_field("reference", "Ticket", QLineEdit())
        self.reference.setPlaceholderText("Optional")

    def validate(self) -> dict[str, str]:
        if not self.person.text().strip():
            return {"person": "Pick who receives the spares, or scan their badge."}
        if not self.person.is_known():
            return {"person": person_problem(self.person.text())}
        return {}

    def commands(self) -> list[Command]:
        return [Issue(self.d.code, self.quantity.value(), person=self.person.code(),
                      location=self.source.code() or None,
                      reference=self.reference.text().strip())]

    def done_text(self, result) -> str:
        view = result.view[0]
        return f"Issued {self.quantity.value()} × {view.product}; {view.quantity} left at " \
               f"{view.location}."

    def accept_scan(self, scan) -> bool:
        self.person.set_code(scan.text.strip())
        return True


class StockTransferDialog(FormDialog):
    heading = "Transfer stock"
    ok_text = "Transfer"

    def __init__(self, ctx, detail: SpareDetail, parent=None) -> None:
        self.d = detail
        self.description = detail.name
        super().__init__(ctx, parent)

    def build(self) -> None:
        self.source = self.add_field("source", "From", _levels_combo(
            self.d, none_text="Pick where it comes from"))
        self.destination = self.add_field("destination", "To", location_combo(
            STOCKING, none_text="Pick where it goes"),
            hint="To or from a 3PL / MSP, or between sites, the goods stay in transit until "
                 "their arrival is confirmed (Locations & 3PL).")
        self.quantity = self.add_field("quantity", "Quantity", QSpinBox())
        self.quantity.setRange(1, 1_000_000)
        self.reference = self.add_field("reference", "Reference", QLineEdit())

    def validate(self) -> dict[str, str]:
        errors = {}
        if not self.source.code():
            errors["source"] = "Pick a location that holds this product."
        if not self.destination.code():
            errors["destination"] = "Pick where the stock goes."
        elif self.destination.code() == self.source.code():
            errors["destination"] = "Source and destination are the same place."
        return errors

    def commands(self) -> list[Command]:
        return [Transfer(self.source.code(), self.destination.code(),
                         items=((self.d.code, self.quantity.value()),),
                         reference=self.reference.text().strip())]

    def done_text(self, result) -> str:
        view = result.view[0]
        if view.number:
            return f"Shipment {view.number}: {self.quantity.value()} × {self.d.name} in " \
                   f"transit to {view.destination}."
        return f"Moved {self.quantity.value()} × {self.d.name} to {view.destination}."


class AdjustDialog(FormDialog):
    heading = "Adjust stock"
    description = "Set the quantity actually on the shelf; the difference and the reason go " \
                  "into the ledger."
    ok_text = "Adjust"

    def __init__(self, ctx, detail: SpareDetail, parent=None) -> None:
        self.d = detail
        super().__init__(ctx, parent)
        self.setWindowTitle(f"Adjust stock — {detail.name}")

    def build(self) -> None:
        self.location = self.add_field("location", "At", location_combo(
            STOCKING, none_text="Pick a location"))
        self.counted = self.add_field("counted", "Counted", QSpinBox())
        self.counted.setRange(0, 1_000_000)
        self.reason = self.add_field("reason", "Reason", QLineEdit())
        self.reason.setPlaceholderText("e.g. shelf count, damaged in storage")
        held = {s.code: s.quantity for s in self.d.levels}
        self.location.currentIndexChanged.connect(
            lambda _i: self.counted.setValue(held.get(self.location.code(), 0)))

    def validate(self) -> dict[str, str]:
        errors = {}
        if not self.location.code():
            errors["location"] = "Pick the location you counted."
        if not self.reason.text().strip():
            errors["reason"] = "Say why the stock changes; it is kept in the history."
        return errors

    def commands(self) -> list[Command]:
        return [Adjust(self.d.code, self.location.code(), self.reason.text(),
                       new_quantity=self.counted.value())]

    def done_text(self, result) -> str:
        view = result.view[0]
        return f"{view.product} at {view.location}: {view.quantity} on hand."


class ProductDialog(FormDialog):
    """Create a product, or edit one (`detail` given)."""


    def __init__(self, ctx, kind: str = "spare", product_id: int | None = None,
                 values: dict | None = None, parent=None) -> None:
        self.product_id = product_id
        self.values = values or {}
        self.default_kind = kind
        self.heading = "Edit product" if product_id else "New product"
        self.ok_text = "Save" if product_id else "Create"
        super().__init__(ctx, parent)

    def build(self) -> None:
        v = self.values
        self.name = self.add_field("name", "Name", QLineEdit(v.get("name", "")))
        self.name.setPlaceholderText("e.g. USB-C charger 65 W")
        self.kind = self.add_field("kind", "Kind", QComboBox())
        for k in PRODUCT_KINDS:
            self.kind.addItem(style.kind_label(k), k)
        self.kind.setCurrentIndex(max(0, self.kind.findData(v.get("kind", self.default_kind))))
        self.kind.setEnabled(self.product_id is None)
        self.manufacturer = self.add_field("manufacturer", "Manufacturer",
                                           QLineEdit(v.get("manufacturer", "")))
        self.category = self.add_field("category", "Category", QLineEdit(v.get("category", "")))
        self.part = self.add_field("part_number", "Part number",
                                   QLineEdit(v.get("part_number", "")))
        self.gtin = self.add_field("gtin", "GTIN / EAN", QLineEdit(v.get("gtin") or ""),
                                   hint="The barcode number on the box: 8, 12, 13 or 14 digits.")
        self.cost = self.add_field("unit_cost", "Unit cost",
                                   QLineEdit(str(v.get("unit_cost", "0"))))
        self.minimum = self.add_field("min_quantity", "Minimum", QLineEdit(
            "" if v.get("min_quantity") is None else str(v["min_quantity"])),
            hint="Optional: a fixed reorder point for items with too little history.")
        head = QLabel("Supplier offer" if self.product_id is None else "Supplier offers")
        head.setObjectName("SectionTitle")
        self.offer: OfferFields | None = None
        self.offers: OffersEditor | None = None
        if self.product_id is None:
            self.add_row(head)
            self.offer = OfferFields(self, optional=True, preferred=True)
        else:
            # Below the form's grid (a table in a grid row of wrapping labels is squeezed).
            code = product_code(v.get("gtin"), v.get("part_number", ""), v.get("name", ""))
            self.offers = OffersEditor(self.ctx, self.product_id, code, v.get("name", ""),
                                       v.get("unit_cost", ""), self)
            hint = QLabel("Offers are saved as you add, change or remove them.")
            hint.setObjectName("Muted")
            for w in (head, self.offers, hint):
                self.layout().addWidget(w)

    def validate(self) -> dict[str, str]:
        errors = {}
        if not self.name.text().strip():
            errors["name"] = "A product needs a name."
        gtin = self.gtin.text().strip()
        if gtin and not gtin.isdigit():
            errors["gtin"] = "A GTIN has digits only."
        elif gtin and not gtin_valid(gtin):
            errors["gtin"] = "This GTIN's check digit is wrong. Copy it again from the box."
        if problem := amount_problem(self.cost.text() or "0", "A cost"):
            errors["unit_cost"] = problem
        minimum = self.minimum.text().strip()
        if minimum and (not minimum.isdigit()):
            errors["min_quantity"] = "A whole number of units, or leave it empty."
        if self.offer is not None:
            errors |= self.offer.validate()
        return errors

    def _new_code(self) -> str:
        """What the offer's command finds the new product by (in the same basket)."""
        return product_code(self.gtin.text().strip(), self.part.text().strip(),
                            self.name.text().strip())

    def commands(self) -> list[Command]:
        name = self.name.text().strip()
        cost = Decimal(self.cost.text().replace(",", "").strip() or "0")
        minimum = self.minimum.text().strip()
        if self.product_id is None:
            extra = {"min_quantity": int(minimum)} if minimum else {}
            create: list[Command] = [CreateProduct(name, self.kind.currentData(), tuple(dict(
                manufacturer=self.manufacturer.text(), category=self.category.text().strip(),
                part_number=self.part.text(), gtin=self.gtin.text().strip() or None,
                unit_cost=cost, **extra).items()))]
            if self.offer is not None and self.offer.wanted():
                create.append(self.offer.add_command(self._new_code()))  # all or nothing
            return create
        return [EditProduct(self.product_id, tuple(dict(
            name=name, manufacturer=self.manufacturer.text(), category=self.category.text(),
            part_number=self.part.text(), gtin=self.gtin.text(), unit_cost=cost,
            min_quantity=int(minimum) if minimum else None,
            clear_min_quantity=not minimum).items()))]

    def done_text(self, result) -> str:
        name = self.name.text().strip()
        if self.product_id is None:
            self.result_value = result.view[0]
            if self.offer is not None and self.offer.wanted():
                return f"{name} added to the catalogue, offered by " \
                       f"{self.offer.supplier.currentText()}."
            return f"{name} added to the catalogue."
        self.result_value = self.product_id
        return f"{name} saved."

    def accept_scan(self, scan) -> bool:
        from scanners.scan import strip_aim

        code = strip_aim(scan.text.strip())
        if code.isdigit() and len(code) in (8, 12, 13, 14):
            self.gtin.setText(code)
        else:
            return super().accept_scan(scan)
        return True
