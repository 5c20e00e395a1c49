"""File > Import: choose a file, map its columns (with a preview), check every row (dry
run), then import the accepted rows in one transaction, with a progress bar.

    ImportDialog(db, operator, bus, parent).exec()

The checks and the import run on a worker thread with their own database connection;
Cancel stops them and nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QThread, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from inventory.dberrors import is_driver_error
from inventory.errors import InventoryError
from inventory.exchange.fields import KINDS, PRESET_LABELS, auto_map, detect_kind
from inventory.exchange.importer import (
    ImportOptions,
    ImportReport,
    run_import,
    unmapped_columns,
)
from inventory.exchange.reading import Table, read_table
from inventory.operators import OperatorRef
from inventory.store import Store

IGNORE = "— not imported —"
PREVIEW_ROWS = 20
ACTION_LABELS = {"create": "create", "update": "update", "unchanged": "unchanged",
                 "refuse": "refused"}


class Cancelled(Exception):
    """The person pressed Cancel: the transaction is rolled back."""


class Job(QThread):
    """Runs `fn(progress)` on its own thread and database connection.

    `progress(stage, done, total)` may be called from `fn`; it raises `Cancelled`
    once `cancel()` was called, which unwinds the caller's transaction.
    """

    progressed = Signal(str, int, int)
    succeeded = Signal(object)
    failed = Signal(object)

    def __init__(self, db: Store | None, fn: Callable, parent: QObject | None = None):
        super().__init__(parent)
        self._db, self._fn = db, fn
        self._cancelled = False

    def cancel(self) -> None:
        self._cancelled = True

    def _progress(self, stage: str, done: int, total: int) -> None:
        if self._cancelled:
            raise Cancelled
        self.progressed.emit(stage, done, total)

    def run(self) -> None:
        try:
            result = self._fn(self._progress)
        except BaseException as exc:  # noqa: BLE001 - handed to the UI thread
            self.failed.emit(exc)
        else:
            self.succeeded.emit(result)
        finally:
            if self._db is not None and not self._db.is_closed():
                self._db.close()  # this thread's connection only


class ImportDialog(QDialog):
    """Import a CSV or XLSX file in four steps: file, columns, check, import."""

    def __init__(self, db: Store, operator: OperatorRef, bus=None,
                 parent: QWidget | None = None, path: str | None = None):
        super().__init__(parent)
        self.db, self.operator, self.bus = db, operator, bus
        self.table: Table | None = None
        self.report: ImportReport | None = None
        self.job: Job | None = None
        self.setWindowTitle("Import")
        self.resize(900, 620)
        self.pages = QStackedWidget()
        self.pages.addWidget(self._file_page())
        self.pages.addWidget(self._mapping_page())
        self.pages.addWidget(self._results_page())
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.back = QPushButton("Back")
        self.next = QPushButton("Next")
        self.cancel_button = QPushButton("Cancel")
        self.back.clicked.connect(self._go_back)
        self.next.clicked.connect(self._go_next)
        self.cancel_button.clicked.connect(self._cancel)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.back)
        buttons.addWidget(self.next)
        buttons.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.progress)
        layout.addLayout(buttons)
        if path:
            self.path_edit.setText(path)
        self._update_buttons()

    # -- step 1: the file ------------------------------------------------------------
    def _file_page(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        intro = QLabel("Import devices, stock quantities, people, locations, suppliers or "
                       "licenses from a CSV or XLSX file: a Stockroom template, a spreadsheet, "
                       "or a Snipe-IT asset export. Every row is checked before anything is "
                       "written; importing the same file again updates rather than "
                       "duplicates.")
        intro.setWordWrap(True)
        form.addRow(intro)
        self.path_edit = QLineEdit()
        self.path_edit.setPlaceholderText("Choose a .csv or .xlsx file")
        self.path_edit.textChanged.connect(lambda _: self._update_buttons())
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(browse)
        form.addRow("File", row)
        self.preset_combo = QComboBox()
        for key, label in PRESET_LABELS.items():
            self.preset_combo.addItem(label, key)
        form.addRow("Columns named as in", self.preset_combo)
        self.kind_combo = QComboBox()
        self.kind_combo.addItem("Decide from the columns", None)
        for key, spec in KINDS.items():
            self.kind_combo.addItem(spec.label, key)
        form.addRow("The file holds", self.kind_combo)
        self.sheet_edit = QLineEdit()
        self.sheet_edit.setPlaceholderText("XLSX: the sheet named like the kind, else the first")
        form.addRow("Sheet", self.sheet_edit)
        return page

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Import file", str(Path.home()),
                                              "Spreadsheets (*.csv *.xlsx *.txt *.tsv);;"
                                              "All files (*)")
        if path:
            self.path_edit.setText(path)

    def _read(self) -> bool:
        kind = self.kind_combo.currentData()
        prefer = (kind,) if kind else tuple(KINDS)
        try:
            self.table = read_table(self.path_edit.text().strip(),
                                    sheet=self.sheet_edit.text().strip() or None,
                                    prefer_sheets=prefer)
            preset = self.preset_combo.currentData()
            kind = kind or detect_kind(self.table.headers, preset)
        except InventoryError as exc:
            self._say(str(exc), error=True)
            return False
        self._set_kind(kind)
        self._fill_mapping(auto_map(self.table.headers, kind, self.preset_combo.currentData()))
        self._fill_preview()
        self._say(self.table.describe())
        return True

    # -- step 2: columns -------------------------------------------------------------
    def _mapping_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        top = QHBoxLayout()
        top.addWidget(QLabel("Import as"))
        self.mapping_kind = QComboBox()
        for key, spec in KINDS.items():
            self.mapping_kind.addItem(spec.label, key)
        self.mapping_kind.currentIndexChanged.connect(self._kind_changed)
        top.addWidget(self.mapping_kind)
        top.addStretch(1)
        layout.addLayout(top)
        self.mapping = QTableWidget(0, 2)
        self.mapping.setHorizontalHeaderLabels(["Stockroom field", "Column in the file"])
        self.mapping.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.mapping.verticalHeader().setVisible(False)
        layout.addWidget(self.mapping, 2)
        options = QHBoxLayout()
        self.create_missing = QCheckBox("Create missing models, locations and suppliers")
        options.addWidget(self.create_missing)
        self.dates_combo = QComboBox()
        self.dates_combo.addItem("Dates: decide from the file", None)
        self.dates_combo.addItem("Dates: day first (31/12/2024)", True)
        self.dates_combo.addItem("Dates: month first (12/31/2024)", False)
        options.addWidget(self.dates_combo)
        self.default_location = QLineEdit()
        self.default_location.setPlaceholderText("Location for devices without one (code)")
        options.addWidget(self.default_location, 1)
        layout.addLayout(options)
        self.keep_in_notes = QCheckBox("Keep the columns no field takes in each device's notes")
        self.keep_in_notes.setToolTip("As 'Column: value' lines, e.g. Snipe-IT custom fields "
                                      "such as RAM or Hostname")
        layout.addWidget(self.keep_in_notes)
        layout.addWidget(QLabel(f"The file's first {PREVIEW_ROWS} rows:"))
        self.preview = QTableWidget(0, 0)
        self.preview.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        layout.addWidget(self.preview, 3)
        return page

    def _set_kind(self, kind: str) -> None:
        self.mapping_kind.blockSignals(True)
        self.mapping_kind.setCurrentIndex(self.mapping_kind.findData(kind))
        self.mapping_kind.blockSignals(False)
        self.default_location.setEnabled(kind == "assets")
        self.keep_in_notes.setEnabled(kind == "assets")

    def _kind_changed(self) -> None:
        kind = self.mapping_kind.currentData()
        self.default_location.setEnabled(kind == "assets")
        self.keep_in_notes.setEnabled(kind == "assets")
        if self.table is not None:
            self._fill_mapping(auto_map(self.table.headers, kind,
                                        self.preset_combo.currentData()))

    def _fill_mapping(self, mapping: dict[str, str]) -> None:
        spec = KINDS[self.mapping_kind.currentData()]
        self.mapping.setRowCount(len(spec.fields))
        for i, f in enumerate(spec.fields):
            label = QTableWidgetItem(f.label + (" *" if f.required else ""))
            label.setFlags(Qt.ItemFlag.ItemIsEnabled)
            if f.help:
                label.setToolTip(f.help)
            self.mapping.setItem(i, 0, label)
            combo = QComboBox()
            combo.addItem(IGNORE, None)
            for h in self.table.headers:
                combo.addItem(h, h)
            if f.name in mapping:
                combo.setCurrentIndex(combo.findData(mapping[f.name]))
            self.mapping.setCellWidget(i, 1, combo)

    def current_mapping(self) -> dict[str, str]:
        spec = KINDS[self.mapping_kind.currentData()]
        out = {}
        for i, f in enumerate(spec.fields):
            header = self.mapping.cellWidget(i, 1).currentData()
            if header:
                out[f.name] = header
        return out

    def set_column(self, field: str, header: str | None) -> None:
        """Map `field` to `header` (None: not imported), as a person would in the table."""
        spec = KINDS[self.mapping_kind.currentData()]
        row = [f.name for f in spec.fields].index(field)
        combo = self.mapping.cellWidget(row, 1)
        combo.setCurrentIndex(combo.findData(header) if header else 0)

    def _fill_preview(self) -> None:
        headers = self.table.headers
        rows = self.table.preview(PREVIEW_ROWS)
        self.preview.clear()
        self.preview.setColumnCount(len(headers))
        self.preview.setRowCount(len(rows))
        self.preview.setHorizontalHeaderLabels(headers)
        self.preview.setVerticalHeaderLabels([str(n) for n, _ in
                                              self.table.rows[:PREVIEW_ROWS]])
        for r, cells in enumerate(rows):
            for c, text in enumerate(cells):
                self.preview.setItem(r, c, QTableWidgetItem(text))

    def options(self) -> ImportOptions:
        kind, mapping = self.mapping_kind.currentData(), self.current_mapping()
        keep = self.keep_in_notes.isChecked() and kind == "assets"
        return ImportOptions(
            kind, mapping, create_missing=self.create_missing.isChecked(),
            day_first=self.dates_combo.currentData(),
            default_location=self.default_location.text().strip() or None,
            notes_from=tuple(unmapped_columns(self.table.headers, mapping)) if keep else ())

    # -- step 3: results ---------------------------------------------------------------
    def _results_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        font = self.summary.font()
        font.setBold(True)
        self.summary.setFont(font)
        layout.addWidget(self.summary)
        self.warnings = QLabel()
        self.warnings.setWordWrap(True)
        layout.addWidget(self.warnings)
        row = QHBoxLayout()
        row.addWidget(QLabel("Show"))
        self.show_combo = QComboBox()
        self.show_combo.addItem("every row", None)
        for action, label in ACTION_LABELS.items():
            self.show_combo.addItem(f"{label} rows", action)
        self.show_combo.currentIndexChanged.connect(self._fill_results)
        row.addWidget(self.show_combo)
        row.addStretch(1)
        self.save_report = QPushButton("Save row report…")
        self.save_report.clicked.connect(self._save_report)
        row.addWidget(self.save_report)
        layout.addLayout(row)
        self.results = QTableWidget(0, 4)
        self.results.setHorizontalHeaderLabels(["Row", "Result", "Record", "Why / what"])
        header = self.results.horizontalHeader()
        for col in (0, 1, 2):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.results.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.results.verticalHeader().setVisible(False)
        layout.addWidget(self.results, 1)
        return page

    def _fill_results(self) -> None:
        if self.report is None:
            return
        wanted = self.show_combo.currentData()
        rows = [r for r in self.report.rows if wanted is None or r.action == wanted]
        rows = rows[:5000]  # a person reads the refused ones; the report file has them all
        self.results.setRowCount(len(rows))
        for i, r in enumerate(rows):
            for c, value in enumerate((str(r.row), ACTION_LABELS[r.action], r.key,
                                       r.message)):
                item = QTableWidgetItem(value)
                if r.action == "refuse":
                    item.setForeground(Qt.GlobalColor.darkRed)
                self.results.setItem(i, c, item)

    def _show_report(self, report: ImportReport) -> None:
        self.report = report
        self.summary.setText(("Checked: " if report.dry_run else "Imported: ")
                             + report.summary() + ".")
        notes = list(report.warnings) + report.created_records[:10]
        if len(report.created_records) > 10:
            notes.append(f"… and {len(report.created_records) - 10} more new records")
        self.warnings.setText("\n".join(notes))
        if report.refused and report.dry_run:
            self.show_combo.setCurrentIndex(self.show_combo.findData("refuse"))
        self._fill_results()
        self.pages.setCurrentIndex(2)

    def _save_report(self) -> None:
        from inventory.exchange.export import write_rows

        path, _ = QFileDialog.getSaveFileName(self, "Save row report", "import-report.csv",
                                              "CSV (*.csv);;Excel (*.xlsx)")
        if path and self.report is not None:
            write_rows(path, ["Row", "Result", "Record", "Why / what"],
                       ((r.row, ACTION_LABELS[r.action], r.key, r.message)
                        for r in self.report.rows))

    # -- running -----------------------------------------------------------------------
    def start(self, dry_run: bool) -> None:
        """Check (dry run) or import, on the worker thread."""
        table, options, db, op = self.table, self.options(), self.db, self.operator

        def work(progress):
            return run_import(db, op, table, options, dry_run=dry_run, progress=progress)

        self.job = Job(db, work, self)
        self.job.progressed.connect(self._on_progress)
        self.job.succeeded.connect(self._on_done)
        self.job.failed.connect(self._on_failed)
        self.job.finished.connect(self._job_finished)
        self.progress.setRange(0, 0)
        self.progress.setVisible(True)
        self._say("Checking every row…" if dry_run else "Importing…")
        self._update_buttons()
        self.job.start()

    def _on_progress(self, stage: str, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        self.progress.setFormat(f"{stage} %v of %m rows")

    def _on_done(self, report: ImportReport) -> None:
        self._show_report(report)
        if report.dry_run:
            self._say("Nothing was written yet. Import to write the accepted rows.")
        else:
            self._say("Done. Refused rows were not imported: fix them and import the file "
                      "again." if report.refused else "Done.")
            if self.bus is not None:
                self.bus.everything()

    def _on_failed(self, exc: BaseException) -> None:
        if isinstance(exc, Cancelled):
            self._say("Cancelled: nothing was written.")
        elif isinstance(exc, InventoryError) or is_driver_error(exc):
            self._say(str(exc), error=True)
        else:
            import sys

            sys.excepthook(type(exc), exc, exc.__traceback__)

    def _job_finished(self) -> None:
        self.progress.setVisible(False)
        if self.job is not None:
            self.job.deleteLater()
        self.job = None
        self._update_buttons()

    def is_running(self) -> bool:
        return self.job is not None

    # -- navigation --------------------------------------------------------------------
    def _go_next(self) -> None:
        page = self.pages.currentIndex()
        if page == 0:
            if self._read():
                self.pages.setCurrentIndex(1)
        elif page == 1:
            self.start(dry_run=True)
        elif page == 2 and self.report is not None:
            if self.report.dry_run:
                self.start(dry_run=False)
            else:
                self.accept()
        self._update_buttons()

    def _go_back(self) -> None:
        page = self.pages.currentIndex()
        if page == 2 and self.report is not None and not self.report.dry_run:
            return
        self.pages.setCurrentIndex(max(0, page - 1))
        self._update_buttons()

    def _cancel(self) -> None:
        if self.job is not None:
            self.job.cancel()
            return
        self.reject()

    def _update_buttons(self) -> None:
        page, busy = self.pages.currentIndex(), self.job is not None
        self.back.setEnabled(not busy and page > 0 and not (
            page == 2 and self.report is not None and not self.report.dry_run))
        labels = {0: "Next", 1: "Check rows"}
        if page == 2 and self.report is not None:
            accepted = len(self.report.rows) - len(self.report.refused)
            labels[2] = f"Import {accepted:,} rows" if self.report.dry_run else "Close"
            self.next.setEnabled(not busy and (accepted > 0 or not self.report.dry_run))
        else:
            self.next.setEnabled(not busy and (page != 0 or bool(self.path_edit.text().strip())))
        self.next.setText(labels.get(page, "Next"))
        self.cancel_button.setText("Stop" if busy else "Close" if page == 2 else "Cancel")

    def _say(self, text: str, error: bool = False) -> None:
        self.status.setText(text)
        self.status.setStyleSheet("color: #b00020;" if error else "")

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt override
        if self.job is not None:
            self.job.cancel()
            self.job.wait()
        super().closeEvent(event)

    def reject(self) -> None:
        if self.job is not None:
            self.job.cancel()
            self.job.wait()
        super().reject()
