"""The application icon: renderings current with the SVG, the platform files complete, the
window carrying it, and the Linux desktop entry it goes with."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from resources.app_icon import DESKTOP_FILE, ICON_DIR, PNG_SIZES, png

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))


def test_every_png_is_the_svg_rendered_at_its_size(qapp):
    from make_icons import render

    for size in PNG_SIZES:
        with Image.open(png(size)) as image:
            committed = np.asarray(image.convert("RGBA"), dtype=np.int16)
        fresh = np.asarray(Image.open(io.BytesIO(render(size))).convert("RGBA"), dtype=np.int16)
        assert committed.shape == (size, size, 4)
        # After an edit of the SVG: `make icons`.
        assert np.abs(committed - fresh).max() <= 2, f"stockroom-{size}.png is out of date"


def test_windows_and_macos_icon_files_hold_the_sizes_they_need():
    with Image.open(ICON_DIR / "stockroom.ico") as ico:
        assert {(16, 16), (32, 32), (48, 48), (256, 256)} <= ico.info["sizes"]
    with Image.open(ICON_DIR / "stockroom.icns") as icns:
        assert icns.size == (1024, 1024)
        assert {(16, 16, 2), (128, 128, 1), (512, 512, 2)} <= set(icns.info["sizes"])


def test_the_started_app_carries_the_icon_in_every_size(tmp_path):
    code = ("import sys; sys.path.insert(0, sys.argv[1]); import main\n"
            "from PySide6.QtWidgets import QApplication\n"
            "code = main.main(['--database', sys.argv[2], '--render-window', sys.argv[3]])\n"
            "sizes = sorted(s.width() for s in QApplication.windowIcon().availableSizes())\n"
            "print(code, QApplication.desktopFileName(), *sizes)\n")
    env = dict(os.environ, HOME=str(tmp_path), XDG_CONFIG_HOME=str(tmp_path / "c"),
               XDG_DATA_HOME=str(tmp_path / "d"), XDG_STATE_HOME=str(tmp_path / "s"),
               QT_QPA_PLATFORM="offscreen")
    r = subprocess.run([sys.executable, "-c", code, str(ROOT), str(tmp_path / "db.sqlite"),
                        str(tmp_path / "w.png")], env=env, capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 0, r.stderr
    code, desktop_name, *sizes = r.stdout.split("\n")[-2].split()
    assert code == "0" and desktop_name == "stockroom"
    assert [int(s) for s in sizes] == list(PNG_SIZES)


def test_the_shipped_desktop_file_is_valid():
    fields = dict(line.split("=", 1) for line in DESKTOP_FILE.read_text().splitlines()
                  if "=" in line)
    assert fields["Icon"] == "stockroom" and fields["Exec"] == "stockroom"
    if not shutil.which("desktop-file-validate"):
        pytest.skip("desktop-file-validate is not installed (.ci/run installs it)")
    r = subprocess.run(["desktop-file-validate", str(DESKTOP_FILE)], capture_output=True,
                       text=True)
    assert r.returncode == 0, r.stdout + r.stderr


def test_desktop_entry_install_from_a_checkout_runs_main_py(tmp_path):
    env = dict(os.environ, HOME=str(tmp_path), XDG_DATA_HOME=str(tmp_path / "share"))
    r = subprocess.run([sys.executable, str(ROOT / "main.py"), "desktop-entry", "--install"],
                       cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    text = (tmp_path / "share" / "applications" / "stockroom.desktop").read_text()
    assert f"Exec={sys.executable} {ROOT / 'main.py'}" in text or f'"{ROOT}' in text
    assert (tmp_path / "share" / "icons" / "hicolor" / "scalable" / "apps" /
            "stockroom.svg").read_text().startswith("<svg")


def test_a_program_path_with_spaces_is_quoted_in_the_entry(tmp_path):
    from ui.desktop_entry import install, uninstall

    entry = install(tmp_path, ["/opt/IT tools/stockroom"])
    lines = entry.read_text().splitlines()
    assert 'Exec="/opt/IT tools/stockroom"' in lines
    assert "TryExec=/opt/IT tools/stockroom" in lines
    if shutil.which("desktop-file-validate"):
        r = subprocess.run(["desktop-file-validate", str(entry)], capture_output=True, text=True)
        assert r.returncode == 0, r.stdout + r.stderr
    removed = uninstall(tmp_path)
    assert entry in removed and not entry.exists()
    assert not list((tmp_path / "icons").rglob("stockroom.*"))
