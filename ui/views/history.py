"""History: the whole movement ledger, newest first, read a page at a time as you scroll."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QCheckBox, QDateEdit, QHBoxLayout, QPushButton

from inventory.queries import history as q
from inventory.queries.common import TableQuery

from ..models.format import date_edit_format, fmt_datetime, fmt_int
from ..models.table import LedgerModel
from .base import FilterDef, TablePage

KIND_GROUPS = (
    ("Everything", None),
    ("Check-outs and check-ins", "check_out,check_in"),
    ("Received", "receive"),
    ("Issued and consumed", "issue,consume,return"),
    ("Transfers and shipments", "transfer,ship,arrive"),
    ("Adjustments and counts", "adjust,count"),
    ("Retired, lost, disposed", "retire,lost,dispose"),
    ("License seats", "license_assign,license_release"),
)


class HistoryPage(TablePage):
    key = "history"
    title = "History"
    subtitle = "Every movement ever recorded: nothing is changed or deleted"
    search_placeholder = "Search asset tag, serial, product, person, place, reference"
    noun = ("movement", "movements")
    stretch_column = "product"
    key_columns = ("at", "kind", "product")
    hide_order = ("note", "source", "reference", "operator", "asset", "person", "from", "to")
    detail_placeholder = "Select a movement to see all of it."
    detail_share = 0.26
    kinds = ("movements", "assets", "stock", "licenses")
    filters = (FilterDef("kind", "What", lambda: list(KIND_GROUPS), 170),)

    def make_query(self) -> TableQuery:
        return q.HistoryTable()

    def make_model(self):
        self._total: int | None = None
        return LedgerModel(self.make_query(), self, runner=self.ctx.runner)

    def extra_filter_widgets(self, bar: QHBoxLayout) -> None:
        self.until_check = QCheckBox("Up to")
        self.until_check.setToolTip("Jump back in time: show movements up to this day")
        self.until = QDateEdit()
        self.until.setCalendarPopup(True)
        self.until.setDisplayFormat(date_edit_format())
        self.until.setDate(QDate.currentDate())
        self.until.setEnabled(False)
        self.until_check.toggled.connect(self.until.setEnabled)
        self.until_check.toggled.connect(lambda _on: self._until_changed())
        self.until.dateChanged.connect(lambda _d: self._until_changed())
        bar.addWidget(self.until_check)
        bar.addWidget(self.until)

    def _until_changed(self) -> None:
        value = None
        if self.until_check.isChecked():
            d = self.until.date()
            value = date(d.year(), d.month(), d.day())
        self.model.set_filter("until", value)

    def _on_loaded(self) -> None:
        super()._on_loaded()
        spec = self.model.spec()
        if self.model.total() is None and self.model.rowCount() and \
                getattr(self, "_counted", None) != spec:
            self._count(spec)

    def _count(self, spec) -> None:
        """How many movements match, counted once per search on the worker."""
        self._counted = spec
        self._total = None

        def done(n: int) -> None:
            if spec == self.model.spec():
                self._total = n
                self.count_label.setText(self.count_text())

        self.ctx.runner.run(self.model.query.count, spec, done=done, key=f"count-{id(self)}")

    def refresh(self) -> None:
        self._total = None
        self._counted = None
        super().refresh()

    def count_text(self) -> str:
        shown = self.model.rowCount()
        total = self.model.total() if self.model.total() is not None else self._total
        if self.model.is_loading() and not shown:
            return "Loading…"
        if total is None:
            return f"{fmt_int(shown)} shown, more as you scroll"
        if total == shown:
            return f"{fmt_int(total)} {'movement' if total == 1 else 'movements'}"
        return f"{fmt_int(shown)} of {fmt_int(total)} movements shown, more as you scroll"

    def apply_link(self, filters: dict) -> None:
        if "kind" in filters:
            self.set_filter_value("kind", filters["kind"])
        if "search" in filters:
            self.search.setText(filters["search"])
            self.search.flush()

    def show_detail(self, item_id: int) -> None:
        row = self.table.currentIndex().row()
        if self.model.id_at(row) != item_id:  # (a search for the id in a million rows
            row = self.model.row_of(item_id)  # only when the current row is another)
        values = self.model.row_values(row) if row is not None else None
        if values is None:
            self.detail.clear()
            return
        (at, kind, product, asset, qty, src, dst, person, operator, reference, source,
         note) = values
        p = self.detail
        p.begin(q.KIND_LABELS.get(kind, kind), fmt_datetime(at))
        p.field("Product", product)
        if asset:
            p.field("Asset", asset)
        else:
            p.field("Quantity", fmt_int(qty))
        p.field("From", src)
        p.field("To", dst)
        p.field("Person", person)
        p.field("Recorded by", operator)
        p.field("Reference", reference)
        p.field("Source", {"usb": "USB scanner", "serial": "Serial scanner",
                           "camera": "Camera", "manual": "Typed", "import": "Import"}
                .get(source, source))
        if note:
            p.field("Note", note)
        p.field("Ledger entry", f"#{item_id}")
        if asset:
            b = QPushButton(f"Open {asset}")
            b.clicked.connect(lambda: self.navigate.emit("devices", {"search": asset}))
            p.buttons([b])
        p.finish()
