"""Serial scanner: a pseudo-terminal pair stands in for the device."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QThread

from scanners.framing import Framer
from scanners.serial_reader import SerialScanner


class FakeScanner:
    """A pty whose slave end is reached through a stable symlink, like /dev/serial/by-id."""

    def __init__(self, link: Path) -> None:
        self.link = link
        self.master = self.slave = -1
        self.plug()

    def plug(self) -> None:
        self.master, self.slave = os.openpty()
        tmp = self.link.with_suffix(".new")
        os.symlink(os.ttyname(self.slave), tmp)
        os.replace(tmp, self.link)

    def unplug(self) -> None:
        os.close(self.master)
        os.close(self.slave)
        self.link.unlink()

    def write(self, data: bytes) -> None:
        os.write(self.master, data)

    def close(self) -> None:
        for fd in (self.master, self.slave):
            try:
                os.close(fd)
            except OSError:
                pass


@pytest.fixture
def device(tmp_path):
    fake = FakeScanner(tmp_path / "ttyScanner0")
    yield fake
    fake.close()


@pytest.fixture
def reader(qtbot):
    scanner = SerialScanner(idle_gap_ms=50, retry_ms=50)
    scans, states = [], []
    scanner.scan_received.connect(scans.append)
    scanner.state_changed.connect(states.append)
    yield scanner, scans, states
    scanner.stop()


def _connected(qtbot, scanner, device):
    scanner.start(str(device.link))
    qtbot.waitUntil(lambda: scanner.state == "connected", timeout=3000)


def test_codes_framed_by_cr_lf_arrive_as_scans(qtbot, reader, device):
    scanner, scans, states = reader
    _connected(qtbot, scanner, device)
    device.write(b"IT-000123\r\nSN5CG1234\r")
    qtbot.waitUntil(lambda: len(scans) == 2, timeout=2000)
    assert [s.text for s in scans] == ["IT-000123", "SN5CG1234"]
    assert {s.source for s in scans} == {"serial"}
    assert states[0] == "connected"


def test_a_code_split_across_writes_is_one_scan(qtbot, reader, device):
    scanner, scans, states = reader
    _connected(qtbot, scanner, device)
    device.write(b"IT-00")
    time.sleep(0.015)
    device.write(b"0456\r")
    qtbot.waitUntil(lambda: len(scans) >= 1, timeout=2000)
    qtbot.wait(100)
    assert [s.text for s in scans] == ["IT-000456"]


def test_a_code_without_terminator_ends_after_an_idle_gap(qtbot, reader, device):
    scanner, scans, states = reader
    _connected(qtbot, scanner, device)
    device.write(b"NOEOL-1")
    started = time.monotonic()
    qtbot.waitUntil(lambda: len(scans) == 1, timeout=2000)
    waited = time.monotonic() - started
    device.write(b"NOEOL-2")
    qtbot.waitUntil(lambda: len(scans) == 2, timeout=2000)
    assert [s.text for s in scans] == ["NOEOL-1", "NOEOL-2"]
    assert waited >= 0.045, "framed before the idle gap had passed"


def test_group_separator_and_aim_id_are_kept(qtbot, reader, device):
    scanner, scans, states = reader
    _connected(qtbot, scanner, device)
    device.write(b"]C1010950110153000310LOT9\x1d21SER7\r\n")
    qtbot.waitUntil(lambda: len(scans) == 1, timeout=2000)
    assert scans[0].text == "]C1010950110153000310LOT9\x1d21SER7"
    assert scans[0].symbology == "gs1-128"


def test_unplug_and_replug_reconnects_on_its_own(qtbot, reader, device):
    scanner, scans, states = reader
    _connected(qtbot, scanner, device)
    device.write(b"BEFORE\r")
    qtbot.waitUntil(lambda: len(scans) == 1, timeout=2000)
    device.unplug()
    qtbot.waitUntil(lambda: scanner.state == "waiting", timeout=3000)
    assert scanner.last_error
    device.plug()
    qtbot.waitUntil(lambda: scanner.state == "connected", timeout=3000)
    device.write(b"AFTER\r")
    qtbot.waitUntil(lambda: len(scans) == 2, timeout=2000)
    assert [s.text for s in scans] == ["BEFORE", "AFTER"]
    assert states == ["connected", "waiting", "connected"]


def test_missing_port_waits_then_connects_when_it_appears(qtbot, reader, tmp_path):
    scanner, scans, states = reader
    link = tmp_path / "ttyLater"
    scanner.start(str(link))
    qtbot.waitUntil(lambda: scanner.state == "waiting", timeout=2000)
    fake = FakeScanner(link)
    try:
        qtbot.waitUntil(lambda: scanner.state == "connected", timeout=3000)
        fake.write(b"LATE-1\n")
        qtbot.waitUntil(lambda: len(scans) == 1, timeout=2000)
        assert scans[0].text == "LATE-1"
    finally:
        scanner.stop()
        fake.close()


def test_stop_ends_the_worker_thread(qtbot, reader, device):
    scanner, scans, states = reader
    _connected(qtbot, scanner, device)
    worker = scanner._worker
    scanner.stop()
    assert isinstance(worker, QThread) and worker.isFinished()
    assert scanner.state == "stopped"
    assert states[-1] == "stopped"
    device.write(b"IGNORED\r")
    qtbot.wait(100)
    assert scans == []


def test_framer_rules_without_a_device():
    framer = Framer(idle_gap_s=0.05)
    assert framer.feed(b"AB", 0.0) == []
    assert framer.feed(b"C\r\n\r\nD", 0.01) == [b"ABC"]
    assert framer.flush_idle(0.03) is None
    assert framer.flush_idle(0.07) == b"D"
    assert framer.feed(b"E", 1.0) == []
    # Bytes after a gap start a new code even without a terminator in between.
    assert framer.feed(b"F\r", 1.2) == [b"E", b"F"]
