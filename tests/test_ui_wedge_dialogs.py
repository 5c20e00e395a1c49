"""Fast typing into a dialog's text field (a remote-desktop "type the clipboard" tool, 30 ms
a key) goes into the field; only a burst that looks like the configured scanner (prefix,
or suffix) is a scan there. Elsewhere the timing rule still catches a plain scanner."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QDialog, QLineEdit, QVBoxLayout, QWidget

from scanners.wedge import WedgeFilter
from ui.app import typing_in_a_dialog

from .test_scan_wedge import run_burst, settle, shown, type_text

pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


@pytest.fixture
def dialog_field(qtbot, qapp):
    dialog = QDialog()
    field = QLineEdit()
    QVBoxLayout(dialog).addWidget(field)
    shown(qtbot, dialog, field)
    return dialog, field


def wedge_on(qapp, **settings) -> tuple[WedgeFilter, list]:
    wedge = WedgeFilter(in_text_field=typing_in_a_dialog, **settings)
    wedge.install(qapp)
    scans: list = []
    wedge.scan_received.connect(scans.append)
    return wedge, scans


@pytest.mark.parametrize("gap_ms", [12, 30])
def test_pasted_typing_in_a_dialog_field_goes_into_the_field(qapp, dialog_field, gap_ms):
    dialog, field = dialog_field
    wedge, scans = wedge_on(qapp)
    try:
        type_text(dialog, "Contoso Hardware", gap_ms)
        settle()
        assert field.text() == "Contoso Hardware"
        assert scans == []
    finally:
        wedge.uninstall()


def test_a_burst_with_the_configured_suffix_is_still_a_scan_in_a_dialog(qapp, dialog_field):
    dialog, field = dialog_field
    wedge, scans = wedge_on(qapp, suffix="#")
    try:
        run_burst((dialog, field, wedge, scans), "IT-000123#", 8)  # (retried when busy)
        assert [s.text for s in scans] == ["IT-000123"]
        assert field.text() == ""
        type_text(dialog, "Part 4711", 20)  # the same speed without the suffix: typing
        settle(200)
        assert field.text() == "Part 4711"
        assert len(scans) == 1
    finally:
        wedge.uninstall()


def test_the_field_of_the_window_the_keys_go_to_decides_not_the_active_window(qtbot, qapp,
                                                                           dialog_field):
    """Keys go to their window's own focus widget; another window taking activation (a
    notification, a second screen) does not turn typing in the dialog into a scan."""
    dialog, field = dialog_field
    other = QWidget()
    other_field = QLineEdit()
    QVBoxLayout(other).addWidget(other_field)
    shown(qtbot, other, other_field)
    assert qapp.focusWidget() is other_field
    wedge, scans = wedge_on(qapp)
    try:
        type_text(dialog, "Contoso Hardware", 12)
        settle()
        assert field.text() == "Contoso Hardware"
        assert other_field.text() == ""
        assert scans == []
    finally:
        wedge.uninstall()


def test_a_prefix_scanner_is_recognised_in_a_dialog_field(qapp, dialog_field):
    dialog, field = dialog_field
    wedge, scans = wedge_on(qapp, prefix="~")
    try:
        type_text(dialog, "~E10042\r", 8)
        settle()
        assert [s.text for s in scans] == ["E10042"]
        assert field.text() == ""
    finally:
        wedge.uninstall()


def test_outside_dialogs_a_plain_fast_burst_is_still_a_scan(qtbot, qapp):
    window = QWidget()
    field = QLineEdit()
    QVBoxLayout(window).addWidget(field)
    shown(qtbot, window, field)
    wedge, scans = wedge_on(qapp)
    try:
        run_burst((window, field, wedge, scans), "IT-000777\r", 8)
        assert [s.text for s in scans] == ["IT-000777"]
        assert field.text() == ""
    finally:
        wedge.uninstall()
