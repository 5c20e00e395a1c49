"""Actions on selected devices: check out, check in, transfer, retire / lost / dispose,
receive new devices, and correct a device's record."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QWidget,
)

from inventory import clock
from inventory.commands import (
    CheckIn,
    CheckOut,
    Command,
    EditAsset,
    EndOfLife,
    Receive,
    Transfer,
)
from inventory.queries import lookups
from inventory.queries.people import by_employee_id
from inventory.services.receiving import ReceiptLine

from ..models import format as fmt
from ..models.format import count
from .fields import ChoiceCombo, OptionalDate, location_combo, person_picker, person_problem
from .form import FormDialog

STOCKING = ("site", "stockroom", "3pl", "msp")
PLACE_KINDS = ("site", "stockroom")  # where a device can go without a person


def _tag_list(tags: Sequence[str]) -> str:
    shown = ", ".join(tags[:6])
    return shown + (f" and {len(tags) - 6} more" if len(tags) > 6 else "")


class _OnDevices(FormDialog):
    """A form acting on a list of asset tags: one basket, all of them or none."""

    verb = ""

    def __init__(self, ctx, tags: Sequence[str], parent=None) -> None:
        self.tags = list(tags)
        self.description = (f"{len(self.tags)} device{'s' if len(self.tags) != 1 else ''}: "
                            f"{_tag_list(self.tags)}")
        super().__init__(ctx, parent)

    def done_text(self, result) -> str:
        views = result.view
        if len(views) == 1:
            return views[0].describe()
        return f"{len(views)} devices {self.verb}."


class CheckOutDialog(_OnDevices):
    """To a person (a loan or an issue), or to a place on a site: a meeting room's
    screen, a loaner shelf."""

    heading = "Check out"
    ok_text = "Check out"
    verb = "checked out"
    field_names = {"location": "place"}

    def build(self) -> None:
        choose = QWidget()
        row = QHBoxLayout(choose)
        row.setContentsMargins(0, 0, 0, 0)
        self.to_person = QRadioButton("A person")
        self.to_place = QRadioButton("A place (meeting room, loaner shelf)")
        self.to_person.setChecked(True)
        row.addWidget(self.to_person)
        row.addWidget(self.to_place)
        row.addStretch(1)
        self.add_field("target", "For", choose)
        self.person = self.add_field("person", "To", person_picker())
        self.place = self.add_field("place", "Place", location_combo(
            PLACE_KINDS, none_text="Pick a room or shelf — or scan its label"))
        # A loan's due date proposes the station's loan period (Settings).
        self.due = self.add_field("due", "Due back", OptionalDate(
            "Loan, due back on", minimum=clock.today(),
            default=clock.today() + timedelta(days=self.ctx.settings.loan_days())))
        self.reference = self.add_field("reference", "Ticket", QLineEdit())
        self.reference.setPlaceholderText("Optional: service desk ticket number")
        self.to_person.toggled.connect(self._switch)
        self._switch()
        self.person.setFocus()

    def _switch(self) -> None:
        person = self.to_person.isChecked()
        self.person.setEnabled(person)
        self.place.setEnabled(not person)

    def validate(self) -> dict[str, str]:
        errors = {}
        if self.to_place.isChecked():
            if not self.place.code():
                errors["place"] = "Pick the room or shelf the device goes to."
        elif not self.person.text().strip():
            errors["person"] = "Pick who receives the device, or scan their badge."
        elif not self.person.is_known():
            errors["person"] = person_problem(self.person.text())
        due = self.due.value()
        if due is not None and due < clock.today():
            errors["due"] = "The due date is in the past."
        return errors

    def commands(self) -> list[Command]:
        due, ref = self.due.value(), self.reference.text().strip()
        if self.to_place.isChecked():
            return [CheckOut(tag, location=self.place.code(), due=due, reference=ref)
                    for tag in self.tags]
        code = self.person.code()
        return [CheckOut(tag, person=code, due=due, reference=ref) for tag in self.tags]

    def accept_scan(self, scan) -> bool:
        code = scan.text.strip()
        if by_employee_id(code) is not None:
            self.to_person.setChecked(True)
            self.person.set_code(code)
            self.clear_errors()
            return True
        if self.place.findData(code) >= 0:
            self.to_place.setChecked(True)
            self.place.set_code(code)
            self.clear_errors()
            return True
        if self.reference.hasFocus():
            self.reference.setText(code)
            return True
        self.show_form_error(f"'{code}' is neither a person's badge nor a room or shelf label. "
                             "Scan the badge of who receives the device, or the place's label.")
        return True


class CheckInDialog(_OnDevices):
    heading = "Check in"
    ok_text = "Check in"
    verb = "checked in"

    def build(self) -> None:
        self.location = self.add_field("location", "Return to", location_combo(
            STOCKING + ("repair",), none_text="Where it was issued from"))
        self.damaged = self.add_field("damaged", "", QCheckBox(
            "Damaged: send it to the repair bench"))
        self.note = self.add_field("note", "Note", QLineEdit())
        self.note.setPlaceholderText("Optional: what was wrong, who returned it")

    def commands(self) -> list[Command]:
        loc = self.location.code() or None
        damaged, note = self.damaged.isChecked(), self.note.text().strip()
        return [CheckIn(tag, location=loc, damaged=damaged, note=note) for tag in self.tags]


class TransferDialog(_OnDevices):
    heading = "Transfer devices"
    ok_text = "Transfer"
    verb = "sent"
    field_names = {"location": "destination"}

    def __init__(self, ctx, tags: Sequence[str], source: str, parent=None) -> None:
        self.source = source
        super().__init__(ctx, tags, parent)

    def build(self) -> None:
        self.destination = self.add_field("destination", "To", location_combo(
            STOCKING + ("repair",), none_text="Pick a destination"),
            hint="To or from a 3PL / MSP, or between sites, the devices are in transit until "
                 "someone confirms they arrived.")
        self.reference = self.add_field("reference", "Reference", QLineEdit())
        self.reference.setPlaceholderText("Optional: carrier tracking, ticket")

    def validate(self) -> dict[str, str]:
        if not self.destination.code():
            return {"destination": "Pick where the devices go."}
        if self.destination.code() == self.source:
            return {"destination": "The devices are already there. Pick another place."}
        return {}

    def commands(self) -> list[Command]:
        return [Transfer(self.source, self.destination.code(), asset_tags=tuple(self.tags),
                         reference=self.reference.text().strip())]

    def done_text(self, result) -> str:
        view = result.view[0]
        if view.number:
            return f"Shipment {view.number}: {count(view.lines, 'device')} in transit to " \
                   f"{view.destination}."
        return f"{count(view.lines, 'device')} moved to {view.destination}."



class EndOfLifeDialog(_OnDevices):
    """Retire, mark lost, or dispose: a reason is required and kept in the ledger."""

    MODES = {
        "retire": ("Retire", "retired"),
        "lost": ("Mark lost", "marked lost"),
        "dispose": ("Dispose", "disposed of"),
    }

    def __init__(self, ctx, tags: Sequence[str], mode: str = "retire", parent=None) -> None:
        self.mode = mode
        self.heading, self.verb = self.MODES[mode]
        self.ok_text = self.heading
        super().__init__(ctx, tags, parent)
        self.ok_button.setProperty("primary", False)
        self.ok_button.setProperty("danger", True)

    def build(self) -> None:
        self.reason = self.add_field("reason", "Reason", QLineEdit())
        self.reason.setPlaceholderText("e.g. beyond economic repair, stolen, end of lease")

    def validate(self) -> dict[str, str]:
        if not self.reason.text().strip():
            return {"reason": "Say why; the reason is kept in the history."}
        return {}

    def commands(self) -> list[Command]:
        reason = self.reason.text().strip()
        return [EndOfLife(tag, self.mode, reason) for tag in self.tags]


class NewDeviceDialog(FormDialog):
    """Receive devices by serial: each becomes an asset with the next free tag."""

    heading = "Receive devices"
    description = "Book new devices into stock. Each serial gets the next asset tag."
    ok_text = "Receive"

    def build(self) -> None:
        self.product = self.add_field("product", "Model", ChoiceCombo(
            lookups.products(("device",)), none_text="Pick a model"))
        self.serials = self.add_field("serials", "Serials", QPlainTextEdit(),
                                      hint="One serial per line; scan them one after another.")
        self.serials.setFixedHeight(90)
        self.location = self.add_field("location", "Into", location_combo(
            STOCKING, none_text="Pick a stockroom"))
        self.order = self.add_field("order", "Order", ChoiceCombo(
            lookups.open_orders(), none_text="No purchase order"))
        self.warranty = self.add_field("warranty", "Warranty", OptionalDate("Ends on"))

    def serial_list(self) -> list[str]:
        return [s.strip() for s in self.serials.toPlainText().splitlines() if s.strip()]

    def validate(self) -> dict[str, str]:
        errors = {}
        if not self.product.code():
            errors["product"] = "Pick the model of the devices."
        serials = self.serial_list()
        if not serials:
            errors["serials"] = "Type or scan at least one serial number."
        elif len(set(serials)) != len(serials):
            errors["serials"] = "A serial appears twice. Each device has its own."
        if not self.location.code():
            errors["location"] = "Pick where the devices are stored."
        w = self.warranty.value()
        if w is not None and w < date(2000, 1, 1):
            errors["warranty"] = "That warranty date looks wrong."
        return errors

    def commands(self) -> list[Command]:
        line = ReceiptLine(self.product.code(), serials=self.serial_list())
        return [Receive(self.location.code(), (line,), order=self.order.code() or None,
                        warranty_end=self.warranty.value())]

    def done_text(self, result) -> str:
        view = self.result_value = result.view[0]
        return f"Received {count(len(view.assets), 'device')}: {_tag_list(view.assets)}."

    def accept_scan(self, scan) -> bool:
        text = self.serials.toPlainText().rstrip()
        self.serials.setPlainText((text + "\n" if text else "") + scan.text.strip())
        return True


def _keep(combo: ChoiceCombo, code: str | None, label: str) -> None:
    """Show `code` as chosen, adding it when the list leaves it out (inactive)."""
    combo.set_code(code)
    if code and combo.code() != code:
        combo.insertItem(0, label, code)
        combo.setCurrentIndex(0)


class EditDeviceDialog(FormDialog):
    """Correct what a person would change on a device: model, serial, where it stands (in
    stock only: the move goes into the ledger), cost, purchase date, supplier, order
    number, warranty, notes; and the due date of a loan."""

    heading = "Edit device"
    ok_text = "Save"
    field_names = {"purchase_date": "bought", "order": "order", "due": "due"}

    def __init__(self, ctx, detail, parent=None) -> None:
        self.d = detail
        self.description = f"{detail.tag} · {detail.product}"
        super().__init__(ctx, parent)

    def build(self) -> None:
        d = self.d
        self.product = self.add_field("product", "Model", ChoiceCombo(
            lookups.products(("device",))))
        _keep(self.product, d.product_code, d.product)
        self.serial = self.add_field("serial", "Serial", QLineEdit(d.serial or ""))
        self.location = None
        if d.status == "in_stock":
            self.location = self.add_field("location", "Stands at", location_combo(
                STOCKING + ("repair",)), hint="Where it really is; the move is kept in the "
                                             "history.")
            _keep(self.location, d.location_code, d.location or "")
        self.cost = self.add_field("cost", "Cost", QLineEdit(
            "" if d.purchase_cost is None else f"{d.purchase_cost:.2f}"))
        self.cost.setPlaceholderText(f"Purchase price in {fmt.current_currency()}")
        self.bought = self.add_field("bought", "Bought on", OptionalDate("Purchase date"))
        self.bought.set_value(d.purchase_date)
        self.supplier = self.add_field("supplier", "Supplier", ChoiceCombo(
            lookups.suppliers(), none_text="Not known"))
        _keep(self.supplier, d.supplier or "", d.supplier or "")
        self.order = self.add_field("order", "Order number", QLineEdit(d.order_number or ""))
        self.order.setPlaceholderText("Our PO number, or the supplier's invoice")
        self.warranty = self.add_field("warranty", "Warranty", OptionalDate("Ends on"))
        self.warranty.set_value(d.warranty_end)
        self.due = None
        if d.status == "deployed":
            self.due = self.add_field("due", "Due back", OptionalDate(
                "Loan, due back on", minimum=clock.today()))
            self.due.set_value(d.due_date)
        self.notes = self.add_field("notes", "Notes", QPlainTextEdit(d.notes))
        self.notes.setFixedHeight(80)

    def _cost(self) -> Decimal | None:
        text = self.cost.text().strip().replace(",", "")
        return Decimal(text) if text else None

    def validate(self) -> dict[str, str]:
        errors = {}
        if not self.serial.text().strip():
            errors["serial"] = "A device needs its serial number."
        try:
            cost = self._cost()
        except InvalidOperation:
            errors["cost"] = "Give the cost as a number, like 1299.00."
        else:
            if cost is not None and cost < 0:
                errors["cost"] = "A cost cannot be negative."
        bought = self.bought.value()
        if bought is not None and bought > clock.today():
            errors["bought"] = "The purchase date is in the future."
        return errors

    def commands(self) -> list[Command]:
        d = self.d
        serial = self.serial.text().strip()
        warranty, cost, bought = self.warranty.value(), self._cost(), self.bought.value()
        product = self.product.code()
        location = self.location.code() if self.location is not None else None
        supplier = self.supplier.code()
        order = self.order.text().strip()
        basket: list[Command] = [EditAsset(
            d.tag, serial=serial if serial != (d.serial or "") else None,
            product=product if product and product != d.product_code else None,
            warranty_end=warranty, clear_warranty=warranty is None,
            purchase_cost=cost, clear_purchase_cost=cost is None,
            purchase_date=bought, clear_purchase_date=bought is None,
            supplier=supplier if supplier != (d.supplier or "") else None,
            order_reference=order if order != (d.order_number or "") else None,
            notes=self.notes.toPlainText())]
        if location and location != d.location_code:
            basket.append(EditAsset(d.tag, location=location))
        if self.due is not None and self.due.value() != d.due_date:
            basket.append(EditAsset(d.tag, due_date=self.due.value(),
                                    clear_due_date=self.due.value() is None))
        return basket

    def done_text(self, result) -> str:
        return f"{self.d.tag} saved."
