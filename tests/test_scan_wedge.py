"""Keyboard-wedge filter: real key events through the window, with real timing."""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QWindow
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLineEdit, QVBoxLayout, QWidget

from scanners.wedge import WedgeFilter

GS = "\x1d"

# The offscreen platform (CI) cannot do this for a shown window; nothing to do with us.
pytestmark = pytest.mark.qt_log_ignore("does not support propagateSizeHints")


def shown(qtbot, window, field) -> None:
    """Show `window`, make it the active window and put the focus in `field`."""
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    field.setFocus()
    qtbot.waitUntil(field.hasFocus)


@pytest.fixture
def station(qtbot, qapp):
    """A window with a focused line edit and the filter installed on the app's windows."""
    window = QWidget()
    layout = QVBoxLayout(window)
    field = QLineEdit()
    layout.addWidget(field)
    shown(qtbot, window, field)
    wedge = WedgeFilter()
    wedge.install(qapp)
    scans = []
    wedge.scan_received.connect(scans.append)
    yield window, field, wedge, scans
    wedge.uninstall()


def _pump_until(deadline: float) -> None:
    from PySide6.QtWidgets import QApplication

    while time.perf_counter() < deadline:
        QApplication.processEvents()
        time.sleep(0.0005)


def _press(window, ch: str) -> None:
    handle = window.windowHandle()
    if ch == GS:
        QTest.keyClick(handle, Qt.Key.Key_BracketRight, Qt.KeyboardModifier.ControlModifier)
    elif ch == "\r":
        QTest.keyClick(handle, Qt.Key.Key_Return)
    elif ch == "\t":
        QTest.keyClick(handle, Qt.Key.Key_Tab)
    else:
        QTest.keyClick(handle, ch)


def type_text(window, text: str, gap_ms: float, *, check=None) -> list[float]:
    """Send ``text`` key by key, ``gap_ms`` apart, processing events in between.

    Returns the gaps actually achieved (ms). ``check(gaps)`` says whether the
    machine kept the timing; a busy machine gets up to three tries, since a test
    of timing means nothing when the timing itself was not what it claims.
    """
    gaps: list[float] = []
    last = None
    for ch in text:
        if last is not None:
            _pump_until(last + gap_ms / 1000)
        now = time.perf_counter()
        if last is not None:
            gaps.append((now - last) * 1000)
        last = now
        _press(window, ch)
    return gaps


def settle(ms: int = 150) -> None:
    _pump_until(time.perf_counter() + ms / 1000)


def run_burst(station, text, gap_ms, *, max_gap_ok=27.0, tries=3):
    """Type a scanner burst; retry when the machine was too busy to keep it fast."""
    window, field, wedge, scans = station
    for _ in range(tries):
        scans.clear()
        field.clear()
        gaps = type_text(window, text, gap_ms)
        settle()
        if max(gaps, default=0) <= max_gap_ok:
            return gaps
    pytest.fail(f"machine too busy to send keys {gap_ms} ms apart: {gaps}")


@pytest.mark.parametrize("gap_ms", [5, 12, 20])
def test_scanner_burst_with_enter_is_one_scan_and_never_reaches_the_field(station, gap_ms):
    window, field, wedge, scans = station
    field.setText("")
    run_burst(station, "IT-000123\r", gap_ms)
    assert [s.text for s in scans] == ["IT-000123"]
    assert scans[0].source == "usb"
    assert scans[0].symbology == "unknown"
    assert field.text() == ""


def test_burst_ended_by_silence_is_a_scan(station):
    window, field, wedge, scans = station
    run_burst(station, "ASSET42", 8)
    assert [s.text for s in scans] == ["ASSET42"]
    assert field.text() == ""


def test_text_already_in_the_field_is_left_alone(station):
    window, field, wedge, scans = station
    for _ in range(3):
        scans.clear()
        field.setText("note: ")
        field.end(False)
        gaps = type_text(window, "98765432\t", 10)
        settle()
        if max(gaps) <= 27:
            break
    assert [s.text for s in scans] == ["98765432"]
    assert field.text() == "note: "
    assert field.hasFocus(), "the Tab that ended the scan must not move the focus"


@pytest.mark.parametrize("gap_ms", [40, 70])
def test_typing_is_delivered_in_order_and_is_not_a_scan(station, gap_ms):
    window, field, wedge, scans = station
    returned = []
    field.returnPressed.connect(lambda: returned.append(field.text()))
    gaps = type_text(window, "hello world\r", gap_ms)
    settle()
    assert min(gaps) >= 35
    assert scans == []
    assert field.text() == "hello world"
    assert returned == ["hello world"]


def test_short_fast_burst_is_typing(station):
    window, field, wedge, scans = station
    run_burst(station, "ok\r", 8)
    assert scans == []
    assert field.text() == "ok"


def test_rolled_over_keys_are_typing_even_when_fast(station):
    """People press the next key before letting go of the last; scanners never do."""
    window, field, wedge, scans = station
    handle = window.windowHandle()
    keys = [Qt.Key.Key_A, Qt.Key.Key_S, Qt.Key.Key_D, Qt.Key.Key_F, Qt.Key.Key_G]
    for i, key in enumerate(keys):
        QTest.keyPress(handle, key)
        if i:
            QTest.keyRelease(handle, keys[i - 1])
        _pump_until(time.perf_counter() + 0.008)
    QTest.keyRelease(handle, keys[-1])
    settle()
    assert scans == []
    assert field.text() == "asdfg"


def test_first_key_a_person_types_shows_up_quickly(station):
    window, field, wedge, scans = station
    start = time.perf_counter()
    _press(window, "x")
    while field.text() != "x" and time.perf_counter() - start < 1:
        _pump_until(time.perf_counter() + 0.001)
    latency_ms = (time.perf_counter() - start) * 1000
    assert field.text() == "x"
    assert latency_ms < wedge.settings.max_gap_ms + 40


def test_gs1_burst_keeps_aim_id_and_group_separator(station):
    window, field, wedge, scans = station
    run_burst(station, f"]C1010950110153000310LOT7{GS}21SN1\r", 6)
    assert len(scans) == 1
    assert scans[0].text == f"]C1010950110153000310LOT7{GS}21SN1"
    assert scans[0].symbology == "gs1-128"
    assert field.text() == ""


def test_prefix_mode_catches_a_slow_scanner_and_lets_other_keys_through_at_once(station):
    window, field, wedge, scans = station
    wedge.settings = type(wedge.settings)(prefix="~", suffix="#")
    type_text(window, "~SLOW-77#", 45)
    settle()
    assert [s.text for s in scans] == ["SLOW-77"]
    assert field.text() == ""
    _press(window, "q")
    assert field.text() == "q", "without the prefix a key must not be held back"


def test_disabled_filter_lets_a_burst_through(station):
    window, field, wedge, scans = station
    wedge.set_enabled(False)
    type_text(window, "IT-1\r", 5)
    settle()
    assert scans == []
    assert field.text() == "IT-1"
    wedge.set_enabled(True)
    run_burst(station, "IT-2\r", 5)
    assert [s.text for s in scans] == ["IT-2"]


def test_a_failing_filter_switches_itself_off_and_keeps_the_keyboard(station, monkeypatch, caplog):
    window, field, wedge, scans = station
    states = []
    wedge.enabled_changed.connect(states.append)

    def broken(*args):
        raise RuntimeError("bug")

    monkeypatch.setattr(wedge, "_on_press", broken)
    _press(window, "z")
    _press(window, "y")
    settle(20)
    assert field.text() == "zy"
    assert not wedge.is_enabled()
    assert states == [False]
    assert "switched off" in caplog.text


class _Watching(WedgeFilter):
    """The filter, counting the windows it was asked about and naming anything else."""

    def __init__(self) -> None:
        super().__init__()
        self.windows = 0
        self.not_windows: list[str] = []

    def eventFilter(self, obj, event):  # noqa: N802 (Qt name)
        if isinstance(obj, QWindow):
            self.windows += 1
        else:
            self.not_windows.append(type(obj).__name__)
        return super().eventFilter(obj, event)


def test_a_window_opened_later_is_watched_and_its_widgets_events_are_not(qtbot, qapp):
    """The filter sits on windows: a window shown after it was installed still turns a
    burst into a scan, and the many events of the window's widgets (show, polish, layout,
    paint) never reach Python through it."""
    from PySide6.QtWidgets import QLabel

    wedge = _Watching()
    wedge.install(qapp)
    scans = []
    wedge.scan_received.connect(scans.append)
    try:
        window = QWidget()
        layout = QVBoxLayout(window)
        for i in range(40):
            layout.addWidget(QLabel(f"label {i}"))
        field = QLineEdit()
        layout.addWidget(field)
        shown(qtbot, window, field)
        run_burst((window, field, wedge, scans), "IT-000777\r", 5)
        assert [s.text for s in scans] == ["IT-000777"]
        assert field.text() == ""
        assert wedge.windows, "the new window's keys never reached the filter"
        assert wedge.not_windows == []
    finally:
        wedge.uninstall()
    asked = wedge.windows
    QTest.keyClick(window.windowHandle(), "x")
    assert wedge.windows == asked and field.text() == "x"  # uninstalled: keys go straight by
