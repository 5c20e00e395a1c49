"""Requests: a new one on someone's behalf, a reason to reject or cancel, a loan booking,
and the loan calendar (a month per device or model)."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from inventory import clock
from inventory.commands import Command
from inventory.queries import requests as rq
from inventory.shop_commands import BookLoan, CancelRequest, CreateRequest, RejectRequest

from .. import style
from ..models.format import date_edit_format
from .fields import ChoiceCombo, OptionalDate, person_picker, person_problem, pydate, qdate
from .form import FormDialog


class NewRequestDialog(FormDialog):
    """Record what someone asked for: an item of the catalogue, how many, by when."""

    heading = "New request"
    ok_text = "Request"
    field_names = {"needed_by": "needed_by", "item": "item", "person": "person"}

    def __init__(self, ctx, person_code: str | None = None, parent=None) -> None:
        self._person_code = person_code
        super().__init__(ctx, parent)

    def build(self) -> None:
        self.person = self.add_field("person", "For", person_picker())
        if self._person_code:
            self.person.set_code(self._person_code)
        self.item = self.add_field("item", "Item", ChoiceCombo(
            rq.item_choices(), none_text="Pick a catalogue item or kit"))
        self.quantity = self.add_field("quantity", "Quantity", QSpinBox())
        self.quantity.setRange(1, 1000)
        self.needed_by = self.add_field("needed_by", "Needed by", OptionalDate(
            "Needed by", default=clock.today() + timedelta(days=7)))
        self.note = self.add_field("note", "Note", QLineEdit())
        self.note.setPlaceholderText("Ticket number, what it is for")
        self.note.setMaxLength(2000)

    def validate(self) -> dict[str, str]:
        errors = {}
        if not self.person.text().strip():
            errors["person"] = "Pick who the request is for (or scan their badge)."
        elif not self.person.is_known():
            errors["person"] = person_problem(self.person.text())
        if not self.item.code():
            errors["item"] = "Pick what they asked for."
        return errors

    def commands(self) -> list[Command]:
        return [CreateRequest(self.person.code(), self.item.code(),
                              quantity=self.quantity.value(), needed_by=self.needed_by.value(),
                              note=self.note.text())]

    def done_text(self, result) -> str:
        v = result.view[0]
        extra = "" if v.state == "requested" else f" ({style.status_label(v.state).lower()})"
        return f"{v.number} recorded for {v.person}: {v.item}{extra}."

    def accept_scan(self, scan) -> bool:
        self.person.set_code(scan.text.strip())
        return True


class ReasonDialog(FormDialog):
    """Reject (a manager) or cancel a request, saying why."""

    ok_text = "Reject"

    def __init__(self, ctx, number: str, reject: bool, parent=None) -> None:
        self._number = number
        self._reject = reject
        self.heading = f"{'Reject' if reject else 'Cancel'} {number}"
        self.ok_text = "Reject" if reject else "Cancel request"
        super().__init__(ctx, parent)
        self.field_names = {"reason": "reason", "note": "reason"}

    def build(self) -> None:
        self.reason = self.add_field("reason", "Why", QLineEdit())
        self.reason.setMaxLength(2000)
        self.reason.setPlaceholderText("Said to the person and kept with the request")

    def validate(self) -> dict[str, str]:
        if self._reject and not self.reason.text().strip():
            return {"reason": "Say why the request is rejected."}
        return {}

    def commands(self) -> list[Command]:
        if self._reject:
            return [RejectRequest(self._number, self.reason.text())]
        return [CancelRequest(self._number, self.reason.text())]

    def done_text(self, result) -> str:
        return f"{result.view[0].number} {result.view[0].state}."


class BookingDialog(FormDialog):
    """Book a loan-pool device, or any device of a model, between two dates."""

    heading = "Book a loan device"
    ok_text = "Book"
    field_names = {"starts_on": "starts", "ends_on": "ends", "asset": "what",
                   "product": "what", "person": "person"}

    def __init__(self, ctx, target: str = "", parent=None) -> None:
        self._target = target
        super().__init__(ctx, parent)

    def build(self) -> None:
        self.person = self.add_field("person", "For", person_picker())
        self.what = self.add_field("what", "Device or model", QLineEdit(self._target))
        self.what.setPlaceholderText("Asset tag (a device) or product name (any of the model)")
        start = clock.today() + timedelta(days=1)
        self.starts = self.add_field("starts", "From", QDateEdit(qdate(start)))
        self.ends = self.add_field("ends", "Until", QDateEdit(qdate(start + timedelta(days=4))))
        for d in (self.starts, self.ends):
            d.setCalendarPopup(True)
            d.setDisplayFormat(date_edit_format())

    def validate(self) -> dict[str, str]:
        errors = {}
        if not self.person.is_known():
            errors["person"] = person_problem(self.person.text()) if self.person.text() \
                else "Pick who books it."
        if not self.what.text().strip():
            errors["what"] = "Type the device's tag or the model."
        return errors

    def commands(self) -> list[Command]:
        from inventory.queries.bookings import is_device

        what = self.what.text().strip()
        kw = {"asset": what} if is_device(what) else {"product": what}
        return [BookLoan(self.person.code(), pydate(self.starts.date()),
                         pydate(self.ends.date()), **kw)]

    def done_text(self, result) -> str:
        return f"Booked: {result.view[0].describe()}."


class LoanCalendarDialog(QDialog):
    """A month per device or model: loans and bookings, day by day."""

    def __init__(self, ctx, target: str = "", parent=None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("Loan calendar")
        self.month = clock.today().replace(day=1)
        box = QVBoxLayout(self)
        row = QHBoxLayout()
        self.target = QLineEdit(target)
        self.target.setPlaceholderText("Asset tag or model, e.g. Dell Latitude 5540")
        self.target.returnPressed.connect(self.reload)
        prev, nxt = QPushButton("◀ Previous"), QPushButton("Next ▶")
        prev.clicked.connect(lambda: self.shift(-1))
        nxt.clicked.connect(lambda: self.shift(1))
        self.book = QPushButton("Book…")
        self.book.clicked.connect(self.book_it)
        self.book.setEnabled(ctx.may("request"))
        row.addWidget(QLabel("Device or model"))
        row.addWidget(self.target, 1)
        row.addWidget(prev)
        row.addWidget(nxt)
        row.addWidget(self.book)
        box.addLayout(row)
        self.title = QLabel()
        self.title.setObjectName("SectionTitle")
        box.addWidget(self.title)
        self.grid = QTableWidget()
        self.grid.setObjectName("LoanGrid")
        # narrow day columns: the app's cell padding would elide the initials away
        self.grid.setStyleSheet("QTableWidget#LoanGrid::item { padding: 0px; }"
                                "QTableWidget#LoanGrid QHeaderView::section "
                                "{ padding: 0px; }")
        self.grid.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.grid.verticalHeader().setDefaultSectionSize(30)
        font = self.grid.font()
        font.setPointSizeF(max(font.pointSizeF() - 1.5, 7.0))
        self.grid.setFont(font)
        box.addWidget(self.grid, 1)
        self.legend = QLabel()
        self.legend.setWordWrap(True)
        box.addWidget(self.legend)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        box.addWidget(buttons)
        self.resize(1000, 480)
        if target:
            self.reload()

    def shift(self, months: int) -> None:
        y, mth = divmod(self.month.year * 12 + self.month.month - 1 + months, 12)
        self.month = date(y, mth + 1, 1)
        self.reload()

    def reload(self) -> None:
        from inventory.queries.bookings import month_view

        target = self.target.text().strip()
        if not target:
            return
        self.ctx.runner.run(month_view, target, self.month, done=self.show_grid,
                            failed=self.show_error, key="loan-calendar")

    def show_error(self, exc) -> None:
        self.title.setText(str(exc))
        self.grid.clear()
        self.grid.setRowCount(0)

    def show_grid(self, grid) -> None:
        loan, booked = QColor("#bfdbfe"), QColor("#e9d5ff")
        self.title.setText(f"{grid.title} — {grid.first:%B %Y}")
        self.grid.clear()
        self.grid.setColumnCount(grid.days)
        self.grid.setRowCount(len(grid.rows))
        today = clock.today()
        self.grid.setHorizontalHeaderLabels([str(d + 1) for d in range(grid.days)])
        self.grid.setVerticalHeaderLabels([r.label for r in grid.rows])
        header = self.grid.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(20)
        weekend, ink = QColor("#f3f4f6"), QColor("#111827")
        codes = person_codes([c.who for r in grid.rows for c in r.cells if c is not None])
        for d in range(grid.days):
            day = grid.first + timedelta(days=d)
            head = self.grid.horizontalHeaderItem(d)
            head.setToolTip(f"{day:%A %d %B}" + (" (today)" if day == today else ""))
            if day == today:
                head.setText(f"[{day.day}]")
        for i, row in enumerate(grid.rows):
            for d, cell in enumerate(row.cells):
                day = grid.first + timedelta(days=d)
                item = QTableWidgetItem("")
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                if cell is not None:
                    item.setText(codes[cell.who])
                    item.setForeground(QBrush(ink))
                    item.setBackground(QBrush(loan if cell.kind == "loan" else booked))
                    what = "on loan to" if cell.kind == "loan" else f"booked ({cell.ref}) by"
                    item.setToolTip(f"{day:%a %d %b}: {what} {cell.who}")
                elif day.weekday() >= 5:
                    item.setBackground(QBrush(weekend))
                self.grid.setItem(i, d, item)
        names = " · ".join(f"{code} = {who}" for who, code in
                           sorted(codes.items(), key=lambda kv: kv[1]))
        self.legend.setText("Blue: on loan · purple: booked · grey: weekend."
                            + (f"\n{names}" if names else ""))

    def book_it(self) -> None:
        dialog = BookingDialog(self.ctx, self.target.text().strip(), self)
        dialog.finished.connect(lambda code: self.reload() if code else None)
        dialog.open()


def person_codes(names: list[str]) -> dict[str, str]:
    """A short code for each person in a loan grid's cells: their initials ("EM"), numbered
    where two people share them ("IK1", "IK2"), so that no two read the same."""
    by_code: dict[str, list[str]] = {}
    for who in sorted(set(names)):
        words = who.split()
        initials = "".join(w[0] for w in words[:2]).upper() if len(words) > 1 else \
            who.strip()[:2].capitalize() or "?"
        by_code.setdefault(initials, []).append(who)
    out: dict[str, str] = {}
    for initials, group in by_code.items():
        for n, who in enumerate(group, 1):
            out[who] = initials if len(group) == 1 else f"{initials}{n}"
    return out


def parse_kit_lines(text: str) -> tuple[list[tuple[int, tuple[str, ...]]], str]:
    """Kit lines typed one per line: "2 × USB-C dock", "ThinkPad T14 | Latitude 7440"
    (quantity 1); returns the lines and, if one is not understood, what is wrong."""
    out = []
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line:
            continue
        qty = 1
        for sep in ("×", "x ", ":"):
            head, found, rest = line.partition(sep)
            if found and head.strip().isdigit():
                qty, line = int(head.strip()), rest.strip()
                break
        options = tuple(o.strip() for o in line.split("|") if o.strip())
        if not options:
            return [], f"Line {n} names no product."
        out.append((qty, options))
    return out, ""


class CatalogItemDialog(FormDialog):
    """A new catalogue item: a product, a license, or a kit of lines."""

    heading = "New catalogue item"
    ok_text = "Add"
    field_names = {"name": "name", "kind": "kind", "product": "product", "lines": "lines",
                   "departments": "departments", "price": "price", "code": "code"}

    def build(self) -> None:
        from PySide6.QtWidgets import QCheckBox, QComboBox, QPlainTextEdit

        self.name = self.add_field("name", "Name", QLineEdit())
        self.name.setPlaceholderText("e.g. Standard laptop bundle")
        self.kind = self.add_field("kind", "Kind", QComboBox())
        for value, label in (("kit", "Kit (several lines)"), ("product", "A product"),
                             ("license", "A license seat")):
            self.kind.addItem(label, value)
        self.code = self.add_field("code", "Label code", QLineEdit())
        self.code.setPlaceholderText("printed on the kit label; empty: KIT-0001, …")
        self.product = self.add_field("product", "Product", QLineEdit())
        self.product.setPlaceholderText("GTIN, part number or exact name")
        self.lines = self.add_field("lines", "Kit lines", QPlainTextEdit())
        self.lines.setPlaceholderText("One line each; alternatives with |\n"
                                      "1 × Lenovo ThinkPad T14 Gen 4 | Dell Latitude 7440\n"
                                      "1 × Dell WD22TB4 Thunderbolt Dock\n"
                                      "1 × Microsoft 365 E3")
        self.lines.setMinimumHeight(90)
        self.departments = self.add_field("departments", "Who may request", QLineEdit())
        self.departments.setPlaceholderText("Departments, comma-separated; empty: everyone")
        self.price = self.add_field("price", "Price", QLineEdit())
        self.auto = self.add_field("auto", "", QCheckBox("Approved without a manager"))
        self.kind.currentIndexChanged.connect(self._switch)
        self._switch()

    def _switch(self) -> None:
        kit = self.kind.currentData() == "kit"
        self.lines.setEnabled(kit)
        self.product.setEnabled(not kit)

    def validate(self) -> dict[str, str]:
        errors = {}
        if not self.name.text().strip():
            errors["name"] = "Give the item a name."
        if self.kind.currentData() == "kit":
            lines, problem = parse_kit_lines(self.lines.toPlainText())
            if problem or not lines:
                errors["lines"] = problem or "List at least one line."
        elif not self.product.text().strip():
            errors["product"] = "Name the product (or license) it is."
        return errors

    def commands(self) -> list[Command]:
        from inventory.shop_commands import CreateCatalogItem

        kit = self.kind.currentData() == "kit"
        lines, _ = parse_kit_lines(self.lines.toPlainText()) if kit else ([], "")
        return [CreateCatalogItem(
            self.name.text(), self.kind.currentData(), code=self.code.text() or None,
            product=None if kit else self.product.text(), lines=tuple(lines),
            departments=tuple(d for d in self.departments.text().split(",") if d.strip()),
            price=self.price.text().strip() or None, auto_approve=self.auto.isChecked())]

    def done_text(self, result) -> str:
        v = result.view[0]
        return f"{v.code} {v.name} added to the catalogue, for {v.who_may}."
