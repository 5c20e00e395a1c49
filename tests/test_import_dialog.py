"""The Import window: pick a file, map its columns with a preview, check the rows, import
them with a progress bar; Stop leaves the database as it was."""

from __future__ import annotations

from PySide6.QtCore import Qt

from inventory import models as m
from inventory.changes import Changes
from inventory.services.verify import verify
from ui.events import ChangeBus
from ui.import_dialog import ImportDialog

from .test_import_assets import SNIPE_HEADERS, setup_catalog, snipe_row, write_csv


def _dialog(qtbot, db, admin, path, preset="snipeit"):
    bus = ChangeBus()
    dlg = ImportDialog(db, admin, bus, path=str(path))
    qtbot.addWidget(dlg)
    dlg.preset_combo.setCurrentIndex(dlg.preset_combo.findData(preset))
    return dlg, bus


def _wait(qtbot, dlg):
    qtbot.waitUntil(lambda: not dlg.is_running(), timeout=60_000)


def test_map_check_and_import(qtbot, db, admin, tmp_path):
    setup_catalog(db, admin)
    path = write_csv(tmp_path / "snipe.csv", [
        SNIPE_HEADERS, snipe_row("W-1", "WS1"), snipe_row("W-2", "WS2", holder="Ann Lee"),
        snipe_row("W-3", "WS3", model="Unknown gadget"), snipe_row("W-4", "WS4")])
    dlg, bus = _dialog(qtbot, db, admin, path)
    qtbot.mouseClick(dlg.next, Qt.MouseButton.LeftButton)
    assert dlg.pages.currentIndex() == 1
    assert dlg.current_mapping()["tag"] == "Asset Tag"
    assert dlg.mapping_kind.currentData() == "assets"
    assert dlg.preview.rowCount() == 4 and dlg.preview.item(0, 3).text() == "W-1"
    dlg.set_column("notes", None)  # a person un-maps a column
    assert "notes" not in dlg.current_mapping()

    qtbot.mouseClick(dlg.next, Qt.MouseButton.LeftButton)  # check rows
    _wait(qtbot, dlg)
    assert dlg.pages.currentIndex() == 2
    assert "3 to create" in dlg.summary.text() and "1 refused" in dlg.summary.text()
    assert dlg.results.rowCount() == 1  # refused rows shown first
    assert "Unknown model 'Unknown gadget'" in dlg.results.item(0, 3).text()
    assert dlg.next.text() == "Import 3 rows"
    assert not m.Asset.select().where(m.Asset.tag.startswith("W-")).exists()

    with qtbot.waitSignal(bus.changed, timeout=60_000) as changed:
        qtbot.mouseClick(dlg.next, Qt.MouseButton.LeftButton)
    _wait(qtbot, dlg)
    assert changed.args == [Changes.everything()]
    assert m.Asset.select().where(m.Asset.tag.startswith("W-")).count() == 3
    assert m.Asset.get(m.Asset.tag == "W-2").holder.name == "Ann Lee"
    assert dlg.summary.text().startswith("Imported:") and dlg.next.text() == "Close"
    assert not dlg.back.isEnabled()
    assert verify(db).ok


def test_unreadable_file_is_explained(qtbot, db, admin, tmp_path):
    dlg, _ = _dialog(qtbot, db, admin, tmp_path / "missing.csv", preset="generic")
    qtbot.mouseClick(dlg.next, Qt.MouseButton.LeftButton)
    assert dlg.pages.currentIndex() == 0
    assert dlg.status.text().startswith("No file")


def test_stop_writes_nothing(qtbot, db, admin, tmp_path):
    setup_catalog(db, admin)
    rows = [["Asset tag", "Serial number", "Model", "Location"]]
    rows += [[f"S-{i:05d}", f"SS{i:05d}", "Dell Latitude 7440", "LOC-HQ-SR"]
             for i in range(3000)]
    path = write_csv(tmp_path / "big.csv", rows)
    dlg, _ = _dialog(qtbot, db, admin, path, preset="generic")
    qtbot.mouseClick(dlg.next, Qt.MouseButton.LeftButton)
    before = m.Asset.select().count()
    dlg.start(dry_run=False)
    assert dlg.cancel_button.text() == "Stop"
    qtbot.mouseClick(dlg.cancel_button, Qt.MouseButton.LeftButton)
    _wait(qtbot, dlg)
    assert dlg.status.text() == "Cancelled: nothing was written."
    assert m.Asset.select().count() == before
    assert verify(db).ok


def test_columns_nothing_takes_are_shown_and_can_go_into_the_notes(qtbot, db, admin, tmp_path):
    setup_catalog(db, admin)
    path = write_csv(tmp_path / "snipe.csv", [
        SNIPE_HEADERS + ["RAM", "Hostname"], snipe_row("W-1", "WS1") + ["16 GB", "LT-01"]])
    dlg, _ = _dialog(qtbot, db, admin, path)
    qtbot.mouseClick(dlg.next, Qt.MouseButton.LeftButton)
    assert dlg.keep_in_notes.isEnabled() and not dlg.keep_in_notes.isChecked()
    qtbot.mouseClick(dlg.next, Qt.MouseButton.LeftButton)  # check rows
    _wait(qtbot, dlg)
    assert "not imported: " in dlg.summary.text() and "RAM, Hostname" in dlg.summary.text()
    qtbot.mouseClick(dlg.back, Qt.MouseButton.LeftButton)
    dlg.keep_in_notes.setChecked(True)
    qtbot.mouseClick(dlg.next, Qt.MouseButton.LeftButton)
    _wait(qtbot, dlg)
    assert "kept in the notes: " in dlg.summary.text() and "RAM" in dlg.summary.text()
    qtbot.mouseClick(dlg.next, Qt.MouseButton.LeftButton)
    _wait(qtbot, dlg)
    notes = m.Asset.get(m.Asset.tag == "W-1").notes.splitlines()
    assert "RAM: 16 GB" in notes and "Hostname: LT-01" in notes
