"""Print labels: choose the label stock and the barcode type, see the pages, then print
(Qt's print dialog) or save a PDF.

    LabelDialog(contents, parent).exec()
    LabelDialog.for_source("assets", Filters(status="in_stock"), parent)
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from .content import LabelContent, labels_for
from .layouts import DEFAULT_LAYOUT, LAYOUTS
from .render import page_count, page_image, prepare, render, save_pdf
from .symbols import DEFAULT_SYMBOLOGY, SYMBOLOGIES, LabelError

SYMBOLOGY_LABELS = {"code128": "Code 128 (any scanner)", "qr": "QR code",
                    "datamatrix": "DataMatrix (smallest)"}


class LabelDialog(QDialog):
    def __init__(self, contents: Sequence[LabelContent], parent: QWidget | None = None,
                 title: str = "Print labels"):
        super().__init__(parent)
        self.contents = list(contents)
        self.page = 0
        self.setWindowTitle(title)
        self.resize(760, 720)
        form = QFormLayout()
        self.layout_combo = QComboBox()
        for key, lay in LAYOUTS.items():
            self.layout_combo.addItem(lay.title, key)
        self.layout_combo.setCurrentIndex(self.layout_combo.findData(DEFAULT_LAYOUT))
        self.symbology_combo = QComboBox()
        for key in SYMBOLOGIES:
            self.symbology_combo.addItem(SYMBOLOGY_LABELS[key], key)
        self.symbology_combo.setCurrentIndex(self.symbology_combo.findData(DEFAULT_SYMBOLOGY))
        self.start_spin = QSpinBox()
        self.start_spin.setToolTip("Labels already peeled off the first sheet")
        form.addRow("Labels", self.layout_combo)
        form.addRow("Barcode", self.symbology_combo)
        form.addRow("Skip on the first sheet", self.start_spin)
        self.preview = QLabel()
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setMinimumSize(420, 420)
        self.preview.setStyleSheet("background: #888;")
        nav = QHBoxLayout()
        self.prev_page = QPushButton("◀")
        self.next_page = QPushButton("▶")
        self.page_label = QLabel()
        self.prev_page.clicked.connect(lambda: self._turn(-1))
        self.next_page.clicked.connect(lambda: self._turn(1))
        nav.addStretch(1)
        nav.addWidget(self.prev_page)
        nav.addWidget(self.page_label)
        nav.addWidget(self.next_page)
        nav.addStretch(1)
        self.message = QLabel()
        self.message.setWordWrap(True)
        buttons = QHBoxLayout()
        self.print_button = QPushButton("Print…")
        self.pdf_button = QPushButton("Save PDF…")
        close = QPushButton("Close")
        self.print_button.clicked.connect(self.print_labels)
        self.pdf_button.clicked.connect(lambda: self.save(None))
        close.clicked.connect(self.reject)
        buttons.addWidget(self.message, 1)
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.pdf_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.preview, 1)
        layout.addLayout(nav)
        layout.addLayout(buttons)
        for combo in (self.layout_combo, self.symbology_combo):
            combo.currentIndexChanged.connect(self._changed)
        self.start_spin.valueChanged.connect(self._changed)
        self._changed()

    @classmethod
    def for_source(cls, source: str, filters=None, parent: QWidget | None = None):
        """Labels for assets, locations, people or commands matching `filters` (one read;
        labels write nothing)."""
        return cls(labels_for(source, filters), parent, f"Print {source} labels")

    @property
    def layout_spec(self):
        return LAYOUTS[self.layout_combo.currentData()]

    @property
    def symbology(self) -> str:
        return self.symbology_combo.currentData()

    @property
    def pages(self) -> int:
        return page_count(self.layout_spec, len(self.contents), self.start_spin.value())

    def _changed(self) -> None:
        lay = self.layout_spec
        self.start_spin.setEnabled(lay.is_sheet)
        self.start_spin.setMaximum(max(lay.per_page - 1, 0) if lay.is_sheet else 0)
        self.page = min(self.page, max(self.pages - 1, 0))
        self._draw()

    def _turn(self, step: int) -> None:
        self.page = max(0, min(self.page + step, self.pages - 1))
        self._draw()

    def _draw(self) -> None:
        ok = bool(self.contents)
        try:
            if ok:
                image = page_image(self.layout_spec, self.contents, self.symbology,
                                   page=self.page, start=self.start_spin.value())
                pix = QPixmap.fromImage(image).scaled(
                    self.preview.size() * 0.95, Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation)
                self.preview.setPixmap(pix)
            self._say(f"{len(self.contents)} labels on {self.pages} page"
                      f"{'s' if self.pages != 1 else ''}" if ok else "Nothing to print.")
        except LabelError as exc:
            ok = False
            self.preview.clear()
            self._say(str(exc), error=True)
        self.print_button.setEnabled(ok)
        self.pdf_button.setEnabled(ok)
        self.page_label.setText(f"page {self.page + 1} of {max(self.pages, 1)}")
        self.prev_page.setEnabled(self.page > 0)
        self.next_page.setEnabled(self.page < self.pages - 1)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        if self.contents:
            self._draw()

    def save(self, path: str | Path | None) -> Path | None:
        if path is None:
            chosen, _ = QFileDialog.getSaveFileName(self, "Save labels", "labels.pdf",
                                                    "PDF (*.pdf)")
            if not chosen:
                return None
            path = chosen
        try:
            pages = save_pdf(path, self.layout_spec, self.contents, self.symbology,
                             start=self.start_spin.value())
        except (LabelError, OSError) as exc:
            self._say(str(exc), error=True)
            return None
        self._say(f"Saved {pages} page{'s' if pages != 1 else ''} to {path}.")
        return Path(path)

    def print_to(self, printer) -> int:
        """Render on an already set-up QPrinter (the print dialog's, or a PDF printer)."""
        prepare(printer, self.layout_spec)
        printer.setFullPage(True)
        return render(printer, self.layout_spec, self.contents, self.symbology,
                      self.start_spin.value())

    def print_labels(self) -> bool:
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName("Stockroom labels")
        prepare(printer, self.layout_spec)
        printer.setFullPage(True)
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle("Print labels")
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False
        try:
            pages = self.print_to(printer)
        except LabelError as exc:
            self._say(str(exc), error=True)
            return False
        self._say(f"Sent {pages} page{'s' if pages != 1 else ''} to {printer.printerName()}. "
                  "Print at 100 % (no 'fit to page') so labels line up.")
        return True

    def _say(self, text: str, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet("color: #b00020;" if error else "")
