"""Locations: create or edit one; set a 3PL / MSP's transfer lead time to a site."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QDoubleSpinBox, QLineEdit

from inventory.commands import Command, CreateLocation, EditLocation, SetTransferLane
from inventory.queries import lookups
from inventory.queries.locations import LocationDetail
from inventory.vocab import LOCATION_KINDS, PARTNER_KINDS

from .. import style
from .fields import ChoiceCombo, location_combo
from .form import FormDialog


class LocationDialog(FormDialog):

    def __init__(self, ctx, detail: LocationDetail | None = None, parent=None) -> None:
        self.d = detail
        self.heading = "Edit location" if detail else "New location"
        self.ok_text = "Save" if detail else "Create"
        super().__init__(ctx, parent)

    def build(self) -> None:
        d = self.d
        self.name = self.add_field("name", "Name", QLineEdit(d.name if d else ""))
        self.name.setPlaceholderText("e.g. HQ stockroom, shelf B2")
        self.code = self.add_field("code", "Code", QLineEdit(d.code if d else ""),
                                   hint="Printed on the location label; scanned at counts.")
        self.code.setPlaceholderText("e.g. LOC-HQ-B2")
        self.kind = self.add_field("kind", "Kind", QComboBox())
        for k in LOCATION_KINDS:
            self.kind.addItem(style.kind_label(k), k)
        if d:
            self.kind.setCurrentIndex(self.kind.findData(d.kind))
            self.kind.setEnabled(False)
        self.parent_combo = self.add_field("parent", "Part of", location_combo(
            none_text="Nothing (top level)"))
        if d and d.parent:
            self.parent_combo.set_code(next((c.code for c in lookups.locations(active=False)
                                             if c.label == d.parent), None))
        self.partner = self.add_field("partner", "Partner", QLineEdit(d.partner if d else ""),
                                      hint="For a 3PL or MSP: the company running it.")
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self._kind_changed()

    def _kind_changed(self) -> None:
        self.partner.setEnabled(self.kind.currentData() in PARTNER_KINDS)

    def validate(self) -> dict[str, str]:
        errors = {}
        if not self.name.text().strip():
            errors["name"] = "A location needs a name."
        code = self.code.text().strip()
        if not code:
            errors["code"] = "A location needs a code for its label."
        elif " " in code:
            errors["code"] = "No spaces in a code: scanners read them badly. Use - instead."
        if self.kind.currentData() in PARTNER_KINDS and not self.partner.text().strip():
            errors["partner"] = "Name the company that runs this 3PL / MSP."
        return errors

    def commands(self) -> list[Command]:
        name, code = self.name.text().strip(), self.code.text().strip()
        partner = self.partner.text().strip() if self.partner.isEnabled() else ""
        parent = self.parent_combo.code() or None
        if self.d is None:
            return [CreateLocation(name, code, self.kind.currentData(), parent=parent,
                                   partner=partner)]
        return [EditLocation(self.d.id, tuple(dict(
            name=name, code=code, partner=partner, parent=parent,
            clear_parent=parent is None).items()))]

    def done_text(self, result) -> str:
        self.result_value = result.view[0]
        name, code = self.name.text().strip(), self.code.text().strip()
        return f"Location {name} ({code}) created." if self.d is None else \
            f"Location {name} saved."


class LaneDialog(FormDialog):
    heading = "Transfer lead time"
    description = "How many days a transfer from this partner takes to reach a site. " \
                  "Replenishment uses it to plan transfers."
    ok_text = "Save"

    def __init__(self, ctx, detail: LocationDetail, parent=None) -> None:
        self.d = detail
        super().__init__(ctx, parent)

    def build(self) -> None:
        self.destination = self.add_field("destination", "To", ChoiceCombo(
            [c for c in lookups.locations(("site", "stockroom")) if c.id != self.d.id],
            none_text="Pick a site or stockroom", show_kind=True))
        self.days = self.add_field("days", "Lead time", QDoubleSpinBox())
        self.days.setRange(0, 365)
        self.days.setDecimals(1)
        self.days.setSuffix(" days")
        self.days.setValue(2)

    def validate(self) -> dict[str, str]:
        errors = {}
        if not self.destination.code():
            errors["destination"] = "Pick the site this partner delivers to."
        if self.days.value() <= 0:
            errors["days"] = "A transfer takes more than zero days."
        return errors

    def commands(self) -> list[Command]:
        return [SetTransferLane(self.d.code, self.destination.code(), self.days.value())]

    def done_text(self, result) -> str:
        return f"Transfers from {self.d.name} take {self.days.value():g} days."
