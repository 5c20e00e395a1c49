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
from inventory.commands import (
    AssignSeat,
    Command,
    EditLicense,
    NewLicense,
    RenewLicense,
    RetireLicense,
)
from inventory.limits import MAX_SEATS, MAX_TERM_MONTHS
from inventory.queries import lookups
from inventory.renewals import add_months
from inventory.vocab import LICENSE_TYPES

from .. import style
from ..models.format import date_edit_format, fmt_date
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


def _cost_problem(text: str) -> str | None:
    try:
        if float(text.replace(",", "") or 0) < 0:
            return "A cost cannot be negative."
    except ValueError:
        return "Type a number, like 12.50."
    return None


def _date_edit(day) -> QDateEdit:
    edit = QDateEdit()
    edit.setCalendarPopup(True)
    edit.setDisplayFormat(date_edit_format())
    edit.setDate(qdate(day))
    return edit


class RenewLicenseDialog(FormDialog):
    """A new term: dates, seats, cost. Who holds a seat keeps it."""

    heading = "Renew license"
    ok_text = "Renew"
    field_names = {"starts_on": "starts", "ends_on": "ends", "cost_per_seat": "cost"}

    def __init__(self, ctx, detail, parent=None) -> None:
        self.d = detail
        self.description = (f"{detail.product}: {detail.used} of {detail.seats} seats in use; "
                            "they carry over to the new term.")
        super().__init__(ctx, parent)

    def build(self) -> None:
        d = self.d
        start = d.ends_on + timedelta(days=1) if d.ends_on else clock.today()
        self.starts = self.add_field("starts", "New term from", _date_edit(start))
        self.term = self.add_field("term_months", "Term", QSpinBox())
        self.term.setRange(1, MAX_TERM_MONTHS)
        self.term.setSuffix(" months")
        self.term.setValue(d.term_months or 12)
        self.ends = self.add_field("ends", "Ends", _date_edit(
            add_months(start, self.term.value()) - timedelta(days=1)),
                                   hint="Follows the term; change it for an odd end date.")
        self.seats = self.add_field("seats", "Seats", QSpinBox())
        self.seats.setRange(0, MAX_SEATS)
        self.seats.setValue(d.seats)
        self.cost = self.add_field("cost", "Cost / seat", QLineEdit(f"{d.cost_per_seat:.2f}"))
        self.reference = self.add_field("reference", "Reference", QLineEdit(d.reference))
        self.reference.setPlaceholderText("Contract or order number")
        self.reference.setMaxLength(120)
        self.starts.dateChanged.connect(lambda _d: self.ends.setDate(qdate(self._end())))
        self.term.valueChanged.connect(lambda _v: self.ends.setDate(qdate(self._end())))

    def _end(self):
        return add_months(pydate(self.starts.date()), self.term.value()) - timedelta(days=1)

    def validate(self) -> dict[str, str]:
        errors = {}
        if pydate(self.ends.date()) <= pydate(self.starts.date()):
            errors["ends"] = "The end date must come after the start date."
        if problem := _cost_problem(self.cost.text()):
            errors["cost"] = problem
        if self.seats.value() < self.d.used and not self.d.allow_overuse:
            errors["seats"] = (f"{self.d.used} seats are in use; release "
                               f"{self.d.used - self.seats.value()} first.")
        return errors

    def commands(self) -> list[Command]:
        return [RenewLicense(self.d.id, starts_on=pydate(self.starts.date()),
                             ends_on=pydate(self.ends.date()), seats=self.seats.value(),
                             cost_per_seat=self.cost.text().replace(",", "").strip() or "0",
                             term_months=self.term.value(),
                             reference=self.reference.text().strip())]

    def done_text(self, result) -> str:
        v = result.view[0]
        return (f"{v.product} renewed to {fmt_date(v.ends_on)}: {v.seats} seats, "
                f"{v.used} carried over.")


class EditLicenseDialog(FormDialog):
    """Correct the current term and how the license is used (not a renewal)."""

    heading = "Edit license"
    ok_text = "Save"
    field_names = {"ends_on": "ends", "cost_per_seat": "cost", "license_type": "kind",
                   "renewal_lead_days": "lead"}

    def __init__(self, ctx, detail, parent=None) -> None:
        self.d = detail
        self.description = f"{detail.product}, from {fmt_date(detail.starts_on)}"
        super().__init__(ctx, parent)

    def build(self) -> None:
        d = self.d
        self.kind = self.add_field("kind", "Type", QComboBox())
        for t in LICENSE_TYPES:
            self.kind.addItem(style.kind_label(t), t)
        self.kind.setCurrentIndex(max(0, self.kind.findData(d.license_type)))
        self.seats = self.add_field("seats", "Seats", QSpinBox())
        self.seats.setRange(0, MAX_SEATS)
        self.seats.setValue(d.seats)
        self.cost = self.add_field("cost", "Cost / seat", QLineEdit(f"{d.cost_per_seat:.2f}"))
        self.vendor = self.add_field("vendor", "Vendor", ChoiceCombo(
            lookups.suppliers(), none_text="No vendor"))
        self.vendor.set_code(d.vendor or "")
        self.ends = self.add_field("ends", "Ends", OptionalDate("Ends on", default=d.ends_on))
        self.ends.set_value(d.ends_on)
        self.lead = self.add_field("lead", "Renew", QSpinBox(),
                                   hint="Days before the end date when the renewal is due.")
        self.lead.setRange(0, 730)
        self.lead.setSuffix(" days before the end")
        self.lead.setValue(d.renewal_lead_days)
        self.reference = self.add_field("reference", "Reference", QLineEdit(d.reference))
        self.reference.setMaxLength(120)
        self.overuse = self.add_field("overuse", "", QCheckBox(
            "Allow more assignments than seats (true-up later)"))
        self.overuse.setChecked(d.allow_overuse)

    def validate(self) -> dict[str, str]:
        errors = {}
        if problem := _cost_problem(self.cost.text()):
            errors["cost"] = problem
        ends = self.ends.value()
        if ends is not None and ends <= self.d.starts_on:
            errors["ends"] = "The end date must come after the start date."
        return errors

    def commands(self) -> list[Command]:
        ends = self.ends.value()
        changes = dict(license_type=self.kind.currentData(), seats=self.seats.value(),
                       cost_per_seat=self.cost.text().replace(",", "").strip() or "0",
                       vendor=self.vendor.code(), renewal_lead_days=self.lead.value(),
                       reference=self.reference.text().strip(),
                       allow_overuse=self.overuse.isChecked())
        if ends is None:
            changes["clear_ends_on"] = True
        else:
            changes["ends_on"] = ends
        return [EditLicense(self.d.id, tuple(changes.items()))]

    def done_text(self, result) -> str:
        return f"{result.view[0].product} saved."


class RetireLicenseDialog(FormDialog):
    """No longer used: every seat still held is released, and it leaves the renewals."""

    heading = "Retire license"
    ok_text = "Retire"

    def __init__(self, ctx, detail, parent=None) -> None:
        self.d = detail
        held = f"The {detail.used} seats still held are released." if detail.used else \
            "No seat is held."
        self.description = f"{detail.product} is no longer used. {held} Its history stays."
        super().__init__(ctx, parent)

    def build(self) -> None:
        self.on = self.add_field("on", "Retired on", _date_edit(clock.today()))

    def commands(self) -> list[Command]:
        return [RetireLicense(self.d.id, on=pydate(self.on.date()))]

    def done_text(self, result) -> str:
        v = result.view[0]
        return f"{v.product} retired; {v.released} seats released."
