"""License seats: assign one to a person or a device; create a license."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLineEdit,
    QRadioButton,
    QSpinBox,
    QWidget,
)

from inventory import clock
from inventory.commands import AssignSeat, Command, NewLicense
from inventory.queries import lookups
from inventory.vocab import LICENSE_TYPES

from .. import style
from ..models.format import date_edit_format
from .fields import ChoiceCombo, OptionalDate, person_picker, person_problem, pydate, qdate
from .form import FormDialog


class AssignSeatDialog(FormDialog):
    """Give a seat to a person or a device. Any of the three may come preselected."""

    heading = "Assign a license seat"
    ok_text = "Assign"

    def __init__(self, ctx, license_id: int | None = None, person_code: str | None = None,
                 asset_tag: str | None = None, parent=None) -> None:
        self._license_id = license_id
        self._person_code = person_code
        self._asset_tag = asset_tag
        super().__init__(ctx, parent)

    def build(self) -> None:
        self.license = self.add_field("license", "License", ChoiceCombo(
            lookups.licenses(), none_text="Pick a license"))
        if self._license_id is not None:
            self.license.set_code(str(self._license_id))
        choose = QWidget()
        row = QHBoxLayout(choose)
        row.setContentsMargins(0, 0, 0, 0)
        self.to_person = QRadioButton("A person")
        self.to_device = QRadioButton("A device")
        row.addWidget(self.to_person)
        row.addWidget(self.to_device)
        row.addStretch(1)
        self.add_field("target", "For", choose)
        self.person = self.add_field("person", "Person", person_picker())
        self.device = self.add_field("device", "Device", QLineEdit(self._asset_tag or ""))
        self.device.setPlaceholderText("Asset tag or serial — or scan the label")
        if self._person_code:
            self.person.set_code(self._person_code)
        self.to_device.setChecked(bool(self._asset_tag))
        self.to_person.setChecked(not self._asset_tag)
        self.to_person.toggled.connect(self._switch)
        self._switch()

    def _switch(self) -> None:
        person = self.to_person.isChecked()
        self.person.setEnabled(person)
        self.device.setEnabled(not person)

    def validate(self) -> dict[str, str]:
        errors = {}
        if not self.license.code():
            errors["license"] = "Pick the license to take a seat from."
        if self.to_person.isChecked():
            if not self.person.text().strip():
                errors["person"] = "Pick who gets the seat."
            elif not self.person.is_known():
                errors["person"] = person_problem(self.person.text())
        elif not self.device.text().strip():
            errors["device"] = "Type or scan the device's asset tag."
        return errors

    def commands(self) -> list[Command]:
        kwargs = ({"person": self.person.code()} if self.to_person.isChecked()
                  else {"asset": self.device.text().strip()})
        return [AssignSeat(int(self.license.code()), **kwargs)]

    def done_text(self, result) -> str:
        view = result.view[0]
        extra = f" ({view.over_entitlement} over the entitlement)" if view.over_entitlement \
            else ""
        return f"{view.assignee} has a seat of {view.product}: {view.seats_used} of " \
               f"{view.seats} used{extra}."

    def show_refusal(self, exc) -> None:
        if exc.field in ("person", "asset") and not self.to_person.isChecked():
            exc.field = "device"  # the seat goes to a device: its tag is the field
        super().show_refusal(exc)

    def accept_scan(self, scan) -> bool:
        from inventory.queries.people import by_employee_id

        code = scan.text.strip()
        if by_employee_id(code) is not None:
            self.to_person.setChecked(True)
            self.person.set_code(code)
        else:
            self.to_device.setChecked(True)
            self.device.setText(code)
        return True


class LicenseDialog(FormDialog):
    """A new license: the product is added to the catalogue if it is new."""

    heading = "New license"
    ok_text = "Create"

    def build(self) -> None:
        self.product = self.add_field("product", "Name", QComboBox())
        self.product.setEditable(True)
        self.product.addItems([c.label for c in lookups.products(("license",))])
        self.product.setCurrentText("")
        self.product.lineEdit().setPlaceholderText("e.g. Microsoft 365 E3")
        self.kind = self.add_field("kind", "Type", QComboBox())
        for t in LICENSE_TYPES:
            self.kind.addItem(style.kind_label(t), t)
        self.seats = self.add_field("seats", "Seats", QSpinBox())
        self.seats.setRange(0, 1_000_000)
        self.seats.setValue(10)
        self.cost = self.add_field("cost", "Cost / seat", QLineEdit("0"))
        self.vendor = self.add_field("vendor", "Vendor", ChoiceCombo(
            lookups.suppliers(), none_text="No vendor"))
        self.starts = self.add_field("starts", "Starts", QDateEdit())
        self.starts.setCalendarPopup(True)
        self.starts.setDisplayFormat(date_edit_format())
        self.starts.setDate(qdate(clock.today()))
        self.ends = self.add_field("ends", "Ends", OptionalDate(
            "Ends on", default=clock.today() + timedelta(days=365)))
        self.ends.set_value(clock.today() + timedelta(days=365))
        self.lead = self.add_field("lead", "Renew", QSpinBox(),
                                   hint="Days before the end date when the renewal is due.")
        self.lead.setRange(0, 365)
        self.lead.setValue(30)
        self.lead.setSuffix(" days before the end")
        self.overuse = self.add_field("overuse", "", QCheckBox(
            "Allow more assignments than seats (true-up later)"))

    def validate(self) -> dict[str, str]:
        errors = {}
        if not self.product.currentText().strip():
            errors["product"] = "Name the license, e.g. Microsoft 365 E3."
        try:
            cost = float(self.cost.text().replace(",", "") or 0)
            if cost < 0:
                errors["cost"] = "A cost cannot be negative."
        except ValueError:
            errors["cost"] = "Type a number, like 12.50."
        ends = self.ends.value()
        if ends is not None and ends <= pydate(self.starts.date()):
            errors["ends"] = "The end date must come after the start date."
        return errors

    def commands(self) -> list[Command]:
        name = self.product.currentText().strip()
        return [NewLicense(name, self.seats.value(), pydate(self.starts.date()), tuple(dict(
            ends_on=self.ends.value(), license_type=self.kind.currentData(),
            cost_per_seat=self.cost.text().replace(",", "") or "0",
            vendor=self.vendor.code() or None, allow_overuse=self.overuse.isChecked(),
            renewal_lead_days=self.lead.value()).items()))]

    def done_text(self, result) -> str:
        self.result_value = result.view[0]
        name = self.product.currentText().strip()
        return f"License {name} created with {self.seats.value()} seats."
