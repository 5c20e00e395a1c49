"""Smoke test of the PyInstaller bundle that `make dist` builds (dist/stockroom/): run from a
folder outside the checkout with an empty home, it starts offscreen on a new database,
builds the demo, renders the main window and exits 0; its OpenCV, zxing-cpp and (where the
build machine had it) libzbar decode a barcode; doctor finds what it needs inside.

Marked `dist`: `make dist-test` builds the bundle, then runs this. STOCKROOM_BUNDLE names
another bundle folder.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import cv2
import pytest

from inventory.schema import CURRENT_VERSION
from inventory.version import __version__
from scanners.synthetic import render_label

from .test_packaging import assert_window_picture, user_env

pytestmark = pytest.mark.dist
ROOT = Path(__file__).resolve().parent.parent
BUNDLE = Path(os.environ.get("STOCKROOM_BUNDLE", ROOT / "dist" / "stockroom"))
PROGRAM = BUNDLE / ("stockroom.exe" if os.name == "nt" else "stockroom")


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> Path:
    if not PROGRAM.exists():
        pytest.fail(f"no bundle at {BUNDLE}: run `make dist` first (make dist-test does)")
    return tmp_path_factory.mktemp("bundle-user")


def run(home: Path, *args: str, timeout: int = 300) -> subprocess.CompletedProcess:
    cwd = home / "elsewhere"
    cwd.mkdir(exist_ok=True)
    env = user_env(home)
    env.pop("QT_PLUGIN_PATH", None)
    return subprocess.run([str(PROGRAM), *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=timeout)


def test_the_bundle_holds_qt_plugins_charts_opencv_and_zxing():
    internal = BUNDLE / "_internal"
    names = {p.name for p in internal.rglob("*")}
    for plugin in ("libqoffscreen.so", "libqxcb.so", "libqwayland.so") if sys.platform.startswith(
            "linux") else ():
        assert plugin in names, plugin
    assert any(n.startswith("libQt6Charts") or n.startswith("QtCharts") for n in names)
    assert any(n.startswith("cv2") for n in names)
    assert any(n.startswith("zxingcpp") for n in names)


def test_the_bundle_starts_on_a_new_database_builds_the_demo_and_shows_the_window(home):
    r = run(home, "--version")
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == f"stockroom {__version__} (database schema {CURRENT_VERSION})"

    database = home / "new" / "stockroom.sqlite"
    r = run(home, "--database", str(database), "demo")
    assert r.returncode == 0, r.stderr
    assert re.search(r"demo loaded: \d+ people, \d+ products, [1-9]\d* assets", r.stdout)
    r = run(home, "--database", str(database), "verify")
    assert r.returncode == 0 and r.stdout.startswith("verify ok"), r.stdout + r.stderr

    picture = home / "window.png"
    r = run(home, "--database", str(database), "--render-window", str(picture))
    assert r.returncode == 0, r.stdout + r.stderr
    assert "window shown at" in r.stdout
    assert_window_picture(picture)


def test_the_bundled_decoders_read_a_barcode(home):
    image = home / "label.png"
    cv2.imwrite(str(image), render_label("ean13", "4006381333931"))
    r = run(home, "decode", "-v", str(image))
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.split("\t")[1:] == ["ean13", "4006381333931\n"]
    if (BUNDLE / "_internal" / "libzbar.so.0").exists():  # the build machine had libzbar
        assert "decoders: zxing-cpp, pyzbar" in r.stderr


def test_the_bundle_prints_labels(home):
    pdf = home / "commands.pdf"
    r = run(home, "labels", "commands", "--layout", "a4-3x7", "-o", str(pdf))
    assert r.returncode == 0, r.stdout + r.stderr
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 5000


def test_the_bundled_doctor_finds_its_qt_and_the_libzbar_it_was_built_with(home):
    database = home / "doctor.sqlite"
    r = run(home, "--database", str(database), "doctor")
    assert r.returncode == 0, r.stdout + r.stderr
    assert re.search(r"ok +Qt platform libraries +the offscreen platform plugin loads", r.stdout)
    assert re.search(r"ok +Qt modules", r.stdout)
    if sys.platform.startswith("linux") and (BUNDLE / "_internal" / "libzbar.so.0").exists():
        assert re.search(r"ok +libzbar \(optional\) +\S*_internal/libzbar.so.0 loads", r.stdout)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="X11 desks")
def test_the_bundle_can_open_a_window_on_an_x11_desk(home):
    # Without QT_QPA_PLATFORM the doctor checks the plugin a desk's window would use (xcb):
    # it and every library it needs must load from the bundle or the system.
    env = user_env(home)
    for name in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY", "QT_PLUGIN_PATH"):
        env.pop(name, None)
    r = subprocess.run([str(PROGRAM), "--database", str(home / "x11.sqlite"), "doctor"],
                       cwd=home, env=env, capture_output=True, text=True, timeout=300)
    assert re.search(r"ok +Qt platform libraries +the xcb platform plugin loads", r.stdout), \
        r.stdout + r.stderr
    assert r.returncode == 0
