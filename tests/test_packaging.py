"""The wheel, installed as a user installs it: built from a clean copy of the tree,
installed into a fresh venv (pip) and as a uv tool, and run from a folder outside the
checkout: --version, demo, verify, doctor, the window offscreen, the desktop entry.

Marked `dist` (not in `make test`): `make dist-test` runs these with the bundle's smoke
test (tests/test_bundle.py). Needs PyPI for the wheel's dependencies.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from inventory.schema import CURRENT_VERSION
from inventory.version import __version__

pytestmark = pytest.mark.dist
ROOT = Path(__file__).resolve().parent.parent
SKIP_COPY = shutil.ignore_patterns(".venv", ".git", "build", "dist", "*.egg-info", "__pycache__",
                                   ".pytest_cache", ".ruff_cache", "bench", "docs", "tests")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel, built (isolated, as pip does for a user) from a copy of the source tree."""
    work = tmp_path_factory.mktemp("wheel")
    src = work / "src"
    shutil.copytree(ROOT, src, ignore=SKIP_COPY)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w",
                    str(work / "out"), str(src)], check=True, timeout=600)
    [built] = (work / "out").glob("stockroom-*.whl")
    return built


def user_env(home: Path) -> dict[str, str]:
    """A user with an empty home: no settings, data or logs from the developer's own runs."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PYTHON", "VIRTUAL_ENV", "STOCKROOM_", "XDG_"))}
    env.update(HOME=str(home), QT_QPA_PLATFORM="offscreen", XDG_DATA_HOME=str(home / "data"),
               XDG_CONFIG_HOME=str(home / "config"), XDG_STATE_HOME=str(home / "state"))
    return env


@pytest.fixture(scope="module")
def pip_install(wheel, tmp_path_factory) -> tuple[Path, Path]:
    """(folder of the `stockroom` command, a user's home) after `pip install` into a new venv."""
    base = tmp_path_factory.mktemp("pip")
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    bindir = venv / ("Scripts" if os.name == "nt" else "bin")
    subprocess.run([str(bindir / "python"), "-m", "pip", "install", "-q", str(wheel)],
                   check=True, cwd=base, env=user_env(base), timeout=900)
    return bindir, base


def test_the_wheel_carries_every_resource_and_module(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {str(p.relative_to(ROOT)).replace(os.sep, "/")
               for p in (ROOT / "resources").rglob("*")
               if p.is_file() and "__pycache__" not in p.parts}
    assert shipped <= names, sorted(shipped - names)
    for package in ("inventory", "scanners", "ui"):
        modules = {str(p.relative_to(ROOT)).replace(os.sep, "/")
                   for p in (ROOT / package).rglob("*.py")}
        assert modules <= names, sorted(modules - names)
    assert "main.py" in names
    assert not any(n.startswith(("tests/", "bench/", "tools/")) for n in names)
    metadata = zipfile.ZipFile(wheel).read(
        f"stockroom-{__version__}.dist-info/entry_points.txt").decode()
    assert "stockroom = main:main" in metadata


def run(bindir: Path, home: Path, *args: str, timeout: int = 300):
    cwd = home / "elsewhere"
    cwd.mkdir(exist_ok=True)
    return subprocess.run([str(bindir / "stockroom"), *args], cwd=cwd, env=user_env(home),
                          capture_output=True, text=True, timeout=timeout)


def installed_program_works(bindir: Path, home: Path) -> None:
    r = run(bindir, home, "--version")
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == f"stockroom {__version__} (database schema {CURRENT_VERSION})"

    database = home / "desk" / "stockroom.sqlite"
    r = run(bindir, home, "--database", str(database), "demo")
    assert r.returncode == 0, r.stderr
    assert re.search(r"demo loaded: \d+ people, \d+ products, [1-9]\d* assets", r.stdout)
    r = run(bindir, home, "--database", str(database), "verify")
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.startswith("verify ok")

    # The import template shipped in the installed resources reads as the importer expects.
    template = installed_resource(bindir, home, "templates/stockroom-import-template.xlsx")
    r = run(bindir, home, "--database", str(database), "import", str(template), "--kind",
            "people", "--dry-run")
    assert r.returncode == 0, r.stdout + r.stderr

    r = run(bindir, home, "--database", str(database), "doctor")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "schema " + str(CURRENT_VERSION) + " (current)" in r.stdout

    picture = home / "window.png"
    r = run(bindir, home, "--database", str(database), "--render-window", str(picture))
    assert r.returncode == 0, r.stdout + r.stderr
    assert "window shown at" in r.stdout
    assert_window_picture(picture)


def installed_resource(bindir: Path, home: Path, name: str) -> Path:
    """Where the installed program finds one of its resources (through importlib.resources)."""
    python = bindir / "python"
    if not python.exists():  # a uv tool: the command's own interpreter
        python = Path(Path(bindir / "stockroom").read_text().splitlines()[0].removeprefix("#!"))
    code = f"from importlib import resources; print(resources.files('resources') / {name!r})"
    r = subprocess.run([str(python), "-c", code], cwd=home, env=user_env(home),
                       capture_output=True, text=True, check=True)
    path = Path(r.stdout.strip())
    assert path.is_file() and not path.is_relative_to(ROOT), path
    return path


def assert_window_picture(path: Path) -> None:
    """A real rendering of the main window: the right size and far from one flat colour."""
    from PIL import Image

    image = Image.open(path).convert("RGB")
    assert image.width >= 1024 and image.height >= 700
    colours = image.getcolors(maxcolors=1 << 20)
    assert colours is not None and len(colours) > 200


def test_pip_install_into_a_new_venv_gives_a_working_stockroom_command(pip_install):
    bindir, home = pip_install
    code = "import inventory, resources, ui; print(inventory.__file__, resources.__file__)"
    r = subprocess.run([str(bindir / "python"), "-c", code], cwd=home, env=user_env(home),
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert all(Path(p).is_relative_to(bindir.parent) for p in r.stdout.split())
    installed_program_works(bindir, home)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux desktop entry")
def test_the_installed_desktop_entry_starts_the_installed_program(pip_install):
    bindir, home = pip_install
    r = run(bindir, home, "desktop-entry", "--install")
    assert r.returncode == 0, r.stderr
    entry = home / "data" / "applications" / "stockroom.desktop"
    fields = dict(line.split("=", 1) for line in entry.read_text().splitlines() if "=" in line)
    assert Path(fields["Exec"]) == (bindir / "stockroom").absolute()
    assert fields["Icon"] == "stockroom"
    for size in (16, 48, 256):
        icon = home / "data" / "icons" / "hicolor" / f"{size}x{size}" / "apps" / "stockroom.png"
        assert icon.stat().st_size > 0
    if shutil.which("desktop-file-validate"):
        check = subprocess.run(["desktop-file-validate", str(entry)], capture_output=True,
                               text=True)
        assert check.returncode == 0, check.stdout + check.stderr
    r = run(bindir, home, "desktop-entry", "--uninstall")
    assert r.returncode == 0 and not entry.exists()


def test_uv_tool_install_gives_a_working_stockroom_command(wheel, tmp_path):
    uv = shutil.which("uv", path=str(Path(sys.executable).parent)) or shutil.which("uv")
    if uv is None:
        pytest.fail("uv is not installed: `make dist-test` installs it (pyproject extra 'dist')")
    env = user_env(tmp_path)
    env.update(UV_TOOL_DIR=str(tmp_path / "uv-tools"), UV_TOOL_BIN_DIR=str(tmp_path / "uv-bin"),
               UV_PYTHON_DOWNLOADS="never")
    r = subprocess.run([uv, "tool", "install", "--python", sys.executable, str(wheel)],
                       cwd=tmp_path, env=env, capture_output=True, text=True, timeout=900)
    assert r.returncode == 0, r.stderr
    installed_program_works(tmp_path / "uv-bin", tmp_path)
