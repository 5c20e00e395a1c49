"""The Print labels window: preview, layouts and symbologies, PDF, and printing through
a QPrinter."""

from __future__ import annotations

import pytest
from PySide6.QtPrintSupport import QPrinter

from inventory.exchange.tables import Filters
from ui.labels.content import LabelContent
from ui.labels.dialog import LabelDialog

ITEMS = [LabelContent(f"IT-{i:06d}", f"Laptop {i}", "asset") for i in range(25)]


def test_preview_layouts_and_pdf(qtbot, tmp_path):
    dlg = LabelDialog(ITEMS)
    qtbot.addWidget(dlg)
    assert dlg.pages == 2 and not dlg.preview.pixmap().isNull()
    assert dlg.page_label.text() == "page 1 of 2"
    dlg.next_page.click()
    assert dlg.page == 1 and not dlg.next_page.isEnabled()
    dlg.layout_combo.setCurrentIndex(dlg.layout_combo.findData("a4-3x10"))
    assert dlg.pages == 1 and dlg.page == 0
    dlg.start_spin.setValue(10)
    assert dlg.pages == 2
    dlg.layout_combo.setCurrentIndex(dlg.layout_combo.findData("roll-62mm"))
    assert dlg.pages == 25 and not dlg.start_spin.isEnabled()
    dlg.symbology_combo.setCurrentIndex(dlg.symbology_combo.findData("datamatrix"))
    out = dlg.save(tmp_path / "labels.pdf")
    assert out is not None and out.read_bytes().startswith(b"%PDF")
    assert dlg.message.text().startswith("Saved 25 pages")


def test_print_through_a_printer(qtbot, tmp_path):
    dlg = LabelDialog(ITEMS[:3])
    qtbot.addWidget(dlg)
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    assert dlg.print_to(printer) == 1
    assert (tmp_path / "printed.pdf").read_bytes().startswith(b"%PDF")


def test_unprintable_code_disables_printing(qtbot):
    dlg = LabelDialog([LabelContent("X" * 45, "too long for Code 128 on small labels")])
    qtbot.addWidget(dlg)
    dlg.layout_combo.setCurrentIndex(dlg.layout_combo.findData("roll-2.25x1.25"))
    assert "too long for code128" in dlg.message.text()
    assert not dlg.print_button.isEnabled() and not dlg.pdf_button.isEnabled()
    dlg.symbology_combo.setCurrentIndex(dlg.symbology_combo.findData("qr"))
    assert dlg.print_button.isEnabled()


@pytest.mark.parametrize("source", ["assets", "locations", "people", "commands"])
def test_for_source(qtbot, demo_db, source):
    filters = Filters(status="in_stock", location="LOC-HQ-SR") if source == "assets" else None
    dlg = LabelDialog.for_source(source, filters)
    qtbot.addWidget(dlg)
    assert dlg.contents and dlg.print_button.isEnabled()
    kind = {"assets": "asset", "locations": "location", "people": "person",
            "commands": "command"}[source]
    assert {c.kind for c in dlg.contents} == {kind}
