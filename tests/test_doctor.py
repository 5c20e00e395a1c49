"""`stockroom doctor`: each check with its problem present and absent, on real parts
(a real plugin loader, SQLite files, a PostgreSQL server, read-only and full filesystems
mounted for the test, a pty as serial port, a video file as camera), the command's exit
status, and the same report under Help › Check this desk."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QLibraryInfo, QTimer
from PySide6.QtWidgets import QApplication

from inventory import health as dbh
from inventory.schema import CURRENT_VERSION, MIGRATIONS, ensure_schema
from inventory.storage import open_store
from scanners import health as sh
from scanners.synthetic import blank_frame, write_video
from scanners.wedge import WedgeSettings
from ui import qt_health

from .conftest import fresh_pg_url

ROOT = Path(__file__).resolve().parent.parent


def by_name(findings, name):
    [found] = [f for f in findings if f[0] == name]
    return found


def level(findings, name) -> str:
    return by_name(findings, name)[1]


# -- Qt ------------------------------------------------------------------------------------

def qt_platforms() -> Path:
    return Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath)) / "platforms"


def test_a_platform_plugin_that_loads_passes():
    check, lvl, found, _fix = qt_health.check_platform(["offscreen"])
    assert (check, lvl) == (qt_health.PLATFORM, qt_health.OK)
    assert "offscreen" in found


def test_a_platform_plugin_missing_a_library_fails_naming_it_and_the_package(tmp_path):
    # Away from PySide6's folder the xcb plugin cannot find libQt6XcbQpa: a real missing
    # library, as a desk without libxcb-cursor0 sees one.
    shutil.copy(qt_health.plugin_path("xcb", qt_platforms()), tmp_path)
    _check, lvl, found, fix = qt_health.check_platform(["xcb"], tmp_path)
    assert lvl == qt_health.FAIL
    assert "libQt6XcbQpa.so.6" in found
    assert "sudo apt-get install libqt6xcbqpa6" in fix


def test_a_missing_plugin_fails(tmp_path):
    _check, lvl, found, fix = qt_health.check_platform(["xcb"], tmp_path)
    assert lvl == qt_health.FAIL and "missing" in found and "Reinstall" in fix


def test_the_second_platform_is_enough_when_the_first_does_not_load(tmp_path):
    shutil.copy(qt_health.plugin_path("offscreen", qt_platforms()), tmp_path)
    _check, lvl, found, _fix = qt_health.check_platform(["wayland", "offscreen"], tmp_path)
    assert lvl == qt_health.OK and "wayland did not load" in found


def test_debian_package_names_follow_the_library_names():
    assert qt_health.debian_package("libxcb-cursor.so.0") == "libxcb-cursor0"
    assert qt_health.debian_package("libxkbcommon-x11.so.0") == "libxkbcommon-x11-0"
    assert qt_health.debian_package("libEGL.so.1") == "libegl1"


def test_qt_modules_pass_when_installed_and_fail_when_qtcharts_is_missing(monkeypatch):
    assert qt_health.check_modules()[1] == qt_health.OK
    monkeypatch.setitem(sys.modules, "PySide6.QtCharts", None)  # as without PySide6-Addons
    _check, lvl, found, fix = qt_health.check_modules()
    assert lvl == qt_health.FAIL and "QtCharts" in found and "PySide6-Addons" in fix


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="X11/Wayland displays")
def test_no_display_is_a_warning_and_a_display_is_fine(monkeypatch):
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    assert qt_health.check_display(["xcb"])[1] == qt_health.WARN
    monkeypatch.setenv("DISPLAY", ":0")
    assert qt_health.check_display(["xcb"])[1] == qt_health.OK


# -- database ------------------------------------------------------------------------------

def test_a_working_sqlite_database_passes_every_check(tmp_path):
    url = str(tmp_path / "stockroom.sqlite")
    open_store(url).close()
    findings = dbh.check_database(url)
    assert [f[1] for f in findings] == [dbh.OK] * 4
    assert f"schema {CURRENT_VERSION} (current)" in by_name(findings, dbh.SCHEMA)[2]


def test_a_database_not_created_yet_is_fine_where_its_folder_can_be_made(tmp_path):
    findings = dbh.check_database(str(tmp_path / "new" / "stockroom.sqlite"))
    assert level(findings, dbh.REACHABLE) == dbh.OK
    assert not (tmp_path / "new").exists()  # the doctor creates nothing


def test_a_database_that_cannot_be_created_fails(tmp_path):
    (tmp_path / "a-file").write_text("x")
    findings = dbh.check_database(str(tmp_path / "a-file" / "stockroom.sqlite"))
    assert level(findings, dbh.REACHABLE) == dbh.FAIL


def test_a_file_that_is_not_a_database_fails(tmp_path):
    path = tmp_path / "stockroom.sqlite"
    path.write_text("name,serial\nlaptop,123\n" * 100)
    [(check, lvl, found, fix)] = dbh.check_database(str(path))
    assert (check, lvl) == (dbh.REACHABLE, dbh.FAIL) and "restore" in fix


def test_a_sqlite_file_of_another_program_fails(tmp_path):
    path = tmp_path / "other.sqlite"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE notes (text)")
    con.close()
    [(_check, lvl, found, _fix)] = dbh.check_database(str(path))
    assert lvl == dbh.FAIL and "not a Stockroom database" in found


def test_a_database_locked_by_another_writer_is_a_warning(tmp_path, monkeypatch):
    url = str(tmp_path / "stockroom.sqlite")
    open_store(url).close()
    monkeypatch.setattr(dbh, "LOCK_WAIT_S", 0.2)
    other = sqlite3.connect(url, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        assert level(dbh.check_database(url), dbh.WRITABLE) == dbh.WARN
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert level(dbh.check_database(url), dbh.WRITABLE) == dbh.OK


def test_a_newer_schema_fails_and_an_older_one_is_upgraded(tmp_path):
    url = str(tmp_path / "stockroom.sqlite")
    db = open_store(url)
    db.execute_sql("INSERT INTO schema_version (version, applied_at) VALUES (?, ?)",
                   (CURRENT_VERSION + 1, "2026-01-01 00:00:00"))
    db.close()
    _check, lvl, found, fix = by_name(dbh.check_database(url), dbh.SCHEMA)
    assert lvl == dbh.FAIL and f"schema {CURRENT_VERSION + 1}" in found and "--version" in fix

    old = str(tmp_path / "old.sqlite")
    from inventory.db import open_database

    db = open_database(old)
    ensure_schema(db, {1: MIGRATIONS[1]})
    db.close()
    _check, lvl, found, _fix = by_name(dbh.check_database(old), dbh.SCHEMA)
    assert lvl == dbh.OK and f"upgrades it to {CURRENT_VERSION}" in found


def test_free_space_fails_when_the_next_backup_does_not_fit(tmp_path):
    free = shutil.disk_usage(tmp_path).free
    assert dbh.free_space(tmp_path, free // 2)[1] == dbh.OK
    _check, lvl, found, fix = dbh.free_space(tmp_path, free * 2)
    assert lvl == dbh.FAIL and "Free some space" in fix


def in_own_mounts(script: str, tmp_path: Path) -> subprocess.CompletedProcess:
    """Run `script` (Python) in a private mount namespace with a 4 MiB tmpfs at $MNT."""
    if not shutil.which("unshare"):
        pytest.skip("needs unshare (util-linux) to mount a filesystem for the test")
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    body = tmp_path / "body.py"
    body.write_text(textwrap.dedent(script))
    flags = "-m" if os.geteuid() == 0 else "-rm"
    shell = (f'mount -t tmpfs -o size=4m tmpfs "{mnt}" && cd "{ROOT}" && '
             f'MNT="{mnt}" "{sys.executable}" "{body}"')
    r = subprocess.run(["unshare", flags, "sh", "-c", shell], capture_output=True, text=True,
                       timeout=120)
    if r.returncode == 97 or "unshare failed" in r.stderr or "mount:" in r.stderr:
        pytest.skip(f"cannot mount a test filesystem here: {r.stderr.strip()}")
    return r


def test_a_database_on_a_read_only_disk_fails_as_not_writable(tmp_path):
    r = in_own_mounts("""
        import os, subprocess, sys
        from inventory import health
        from inventory.storage import open_store
        url = os.path.join(os.environ["MNT"], "stockroom.sqlite")
        open_store(url).close()
        print(health.check_database(url)[1][1])
        subprocess.run(["mount", "-o", "remount,ro", os.environ["MNT"]], check=True)
        [(check, level, found, fix)] = health.check_database(url)
        print(level, found, fix, sep="\\n")
    """, tmp_path)
    assert r.returncode == 0, r.stderr
    before, after, found, fix = r.stdout.splitlines()[:4]
    assert (before, after) == (dbh.OK, dbh.FAIL)
    assert "Read-only file system" in found and "not mounted read-only" in fix


def test_a_full_disk_fails_the_backup_space_check(tmp_path):
    r = in_own_mounts("""
        import os
        from inventory import health
        from inventory.storage import open_store
        url = os.path.join(os.environ["MNT"], "stockroom.sqlite")
        open_store(url).close()
        print(*health.check_database(url)[3][1:3], sep="\\n")
        print(health.check_database(url, headroom=0)[3][1])
    """, tmp_path)
    assert r.returncode == 0, r.stderr
    full, found, roomy = r.stdout.splitlines()[:3]
    assert full == dbh.FAIL and "MiB free" in found  # 4 MiB disk, 32 MiB headroom wanted
    assert roomy == dbh.OK  # the database itself fits twice


@pytest.mark.postgres
def test_a_postgresql_server_passes_and_an_unreachable_one_fails(pg_server, tmp_path):
    url = fresh_pg_url(pg_server)
    open_store(url).close()
    findings = dbh.check_database(url)
    assert [level(findings, c) for c in (dbh.REACHABLE, dbh.WRITABLE, dbh.SCHEMA)] == [dbh.OK] * 3
    assert level(findings, dbh.DISK) == dbh.SKIP
    import socket

    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    [(_check, lvl, found, fix)] = dbh.check_database(f"postgresql://x@127.0.0.1:{port}/none")
    assert lvl == dbh.FAIL and "PostgreSQL" in found and "pg_hba.conf" in fix


# -- scanners ------------------------------------------------------------------------------

def test_libzbar_loads_where_installed_and_a_missing_one_is_a_warning():
    import ctypes.util

    if ctypes.util.find_library("zbar") is None:
        pytest.fail("libzbar is not installed: .ci/run installs libzbar0")
    assert sh.check_zbar()[1] == sh.OK
    _check, lvl, found, fix = sh.check_zbar("libzbar-not-here.so.0")
    assert lvl == sh.WARN and "zxing-cpp" in found and "zbar" in fix


def test_the_configured_camera_opens_or_says_what_to_do(tmp_path):
    rng = np.random.default_rng(3)
    video = write_video(tmp_path / "camera.avi", [blank_frame(rng) for _ in range(5)])
    _check, lvl, found, _fix = sh.check_cameras(str(video), candidates=[])
    assert lvl == sh.OK and "sends pictures" in found
    _check, lvl, found, fix = sh.check_cameras(str(tmp_path / "unplugged.avi"), candidates=[])
    assert lvl == sh.WARN and "Settings › Camera" in fix
    assert sh.check_cameras(None, candidates=[])[1] == sh.INFO


def test_a_camera_index_that_does_not_open_is_a_warning():
    _check, lvl, found, _fix = sh.check_cameras(97, candidates=[])
    assert lvl == sh.WARN and "camera 97" in found


def test_the_configured_serial_port_opens_or_says_what_to_do(tmp_path):
    master, slave = os.openpty()
    try:
        port = os.ttyname(slave)
        _check, lvl, found, _fix = sh.check_serial(port, 9600)
        assert lvl == sh.OK and port in found
    finally:
        os.close(master)
        os.close(slave)
    _check, lvl, found, fix = sh.check_serial(str(tmp_path / "ttyUSB9"), 9600)
    assert lvl == sh.WARN and "no such device" in found and "Settings › Serial" in fix
    assert sh.check_serial("", 9600)[1] == sh.INFO


def test_wedge_settings_that_would_miss_or_split_scans_are_warnings():
    assert sh.check_wedge(WedgeSettings())[1] == sh.OK
    _check, lvl, found, _fix = sh.check_wedge(WedgeSettings(max_gap_ms=120, end_silence_ms=100))
    assert lvl == sh.WARN and "fast typists" in found and "cut in two" in found
    assert sh.check_wedge(WedgeSettings(min_length=2))[1] == sh.WARN
    assert sh.check_wedge(WedgeSettings(prefix="]", min_length=2))[1] == sh.OK
    assert sh.check_wedge(WedgeSettings(), enabled=False)[1] == sh.INFO


# -- the command and the Help menu -----------------------------------------------------------

def run_doctor(database: str, home: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, HOME=str(home), XDG_CONFIG_HOME=str(home / "config"),
               XDG_STATE_HOME=str(home / "state"), QT_QPA_PLATFORM="offscreen")
    return subprocess.run([sys.executable, str(ROOT / "main.py"), "--database", database,
                           "doctor"], capture_output=True, text=True, env=env, timeout=120)


def test_doctor_exits_0_on_a_working_desk_and_1_with_what_to_do_when_the_database_fails(
        tmp_path):
    good = tmp_path / "stockroom.sqlite"
    open_store(str(good)).close()
    r = run_doctor(str(good), tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Database writable" in r.stdout and "FAIL" not in r.stdout
    assert f"Backups:   {tmp_path / 'backups'}" in r.stdout

    (tmp_path / "a-file").write_text("x")
    r = run_doctor(str(tmp_path / "a-file" / "stockroom.sqlite"), tmp_path)
    assert r.returncode == 1
    assert "FAIL  Database reachable" in r.stdout
    assert "→ Start Stockroom with --database" in r.stdout
    assert "problem to fix before this desk can work" in r.stdout


@pytest.mark.qt_log_ignore("does not support propagateSizeHints")  # offscreen dialogs
def test_help_menu_shows_the_same_report(qtbot, tmp_path):
    from inventory.operators import os_operator
    from ui.app import build_window
    from ui.doctor import collect
    from ui.settings import Settings

    url = str(tmp_path / "stockroom.sqlite")
    db = open_store(url)
    settings = Settings.in_file(str(tmp_path / "s.ini"))
    settings.set_serial_port(str(tmp_path / "ttyACM0"))  # a problem to see in the report
    window = build_window(db, url, os_operator(db), settings)
    qtbot.addWidget(window)
    [action] = [a for m in window.menuBar().actions() if m.text() == "&Help"
                for a in m.menu().actions() if a.text() == "Check this desk…"]
    seen = {}

    def read_dialog():
        dialog = QApplication.activeModalWidget()
        seen["text"] = dialog.text()
        seen["html"] = dialog.browser.toPlainText()
        dialog.reject()

    QTimer.singleShot(0, read_dialog)
    action.trigger()
    expected = collect(url, settings)
    for finding in expected:
        assert finding.check in seen["text"] and finding.check in seen["html"]
    assert "ttyACM0 does not open" in seen["html"]
    assert "Plug the scanner in" in seen["html"]
    window.ctx.runner.shutdown()
    db.close()
