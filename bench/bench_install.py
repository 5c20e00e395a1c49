"""Start-up of the installed program (issue 17): the wheel in its own venv and the bundle.

    .venv/bin/python bench/bench_install.py [--runs N] [--rebuild]

Target: ≤ 1.5 s from launching `stockroom --database DEMO` to the main window shown, for
the wheel installed with pip into a fresh venv (what pipx and `uv tool install` make) and
for the PyInstaller bundle (`make dist` first; its figure is skipped when dist/stockroom is
missing). Each start is a fresh process (interpreter, imports, database, window) with an
empty home, offscreen; the program prints the moment its window was shown
(`--render-window`), and the parent measures from the spawn to that moment.

Baseline, measured in the same run on the same interpreter: a bare PySide6 process that
shows an empty QMainWindow, the floor under any Qt desktop program on this machine; the
ratio to it is what to compare between runs on this shared machine. Also prints the
bundle's and the venv's size on disk.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out" / "install"
BUNDLE = ROOT / "dist" / "stockroom" / "stockroom"
TARGET_S = 1.5
sys.path.insert(0, str(ROOT))
from tests.test_packaging import user_env as env_for  # noqa: E402  (an empty home, offscreen)

BARE_QT = """
import time
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication([])
w = QMainWindow(); w.resize(1440, 900); w.show()
QTimer.singleShot(0, lambda: (print(f"window shown at {time.time():.3f} "
                                    f"cpu {time.process_time():.3f}", flush=True), app.quit()))
app.exec()
"""


def wheel_venv(rebuild: bool) -> Path:
    """bench/out/install/venv with the wheel of this tree installed by pip (kept between runs)."""
    venv = OUT / "venv"
    if venv.exists() and not rebuild:
        return venv
    shutil.rmtree(OUT, ignore_errors=True)
    OUT.mkdir(parents=True)
    print("building the wheel and a venv for it (about a minute)…", flush=True)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(OUT),
                    str(ROOT)], check=True)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    [wheel] = OUT.glob("stockroom-*.whl")
    subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", str(wheel)],
                   check=True, cwd=OUT)
    return venv


def shown_after(command: list[str], home: Path) -> tuple[float, float]:
    """(seconds from spawning `command` to its 'window shown at' line, CPU seconds it had
    used by then: a figure the other sessions' load on this shared machine barely moves)."""
    started = time.time()
    r = subprocess.run(command, cwd=home, env=env_for(home), capture_output=True, text=True,
                       timeout=120)
    for line in r.stdout.splitlines():
        if line.startswith("window shown at "):
            words = line.split()
            return float(words[3]) - started, float(words[5])
    raise RuntimeError(f"{command[0]} showed no window: {r.stdout}{r.stderr}")


def figures(command: list[str], home: Path, runs: int) -> list[tuple[float, float]]:
    shown_after(command, home)  # warm the disk cache, as a second start on a desk would be
    return [shown_after(command, home) for _ in range(runs)]


def size(path: Path) -> str:
    total = sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())
    files = sum(1 for p in path.rglob("*") if p.is_file() and not p.is_symlink())
    return f"{total / 1024 / 1024:,.0f} MiB in {files:,} files"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--rebuild", action="store_true", help="build the wheel venv anew")
    args = parser.parse_args()
    venv = wheel_venv(args.rebuild)
    installed = venv / "bin" / "stockroom"
    one, five, _ = os.getloadavg()
    print(f"machine: {os.cpu_count()} cores, load average {one:.1f} {five:.1f}; "
          f"Python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        demo = home / "demo.sqlite"
        subprocess.run([str(installed), "--database", str(demo), "demo"], check=True,
                       cwd=home, env=env_for(home), capture_output=True)
        png = str(home / "w.png")
        rows = [("baseline: bare PySide6 window (same venv)",
                 figures([str(venv / "bin" / "python"), "-c", BARE_QT], home, args.runs)),
                ("wheel in a venv (pip / pipx / uv tool)",
                 figures([str(installed), "--database", str(demo), "--render-window", png],
                         home, args.runs))]
        if BUNDLE.exists():
            rows.append(("PyInstaller bundle (dist/stockroom)",
                         figures([str(BUNDLE), "--database", str(demo), "--render-window",
                                  png], home, args.runs)))
        else:
            print("no bundle at dist/stockroom: `make dist` to measure it too")
    base = statistics.median(wall for wall, _cpu in rows[0][1])
    print(f"\nstart to window shown, demo database, {args.runs} runs after one warm-up:")
    for name, runs in rows:
        walls = [wall for wall, _cpu in runs]
        med, worst = statistics.median(walls), max(walls)
        cpu = statistics.median(c for _wall, c in runs)
        verdict = "" if name.startswith("baseline") else (
            f"  target ≤ {TARGET_S} s: {'met' if worst <= TARGET_S else 'NOT MET'}")
        print(f"  {name:<41} median {med:.2f} s, worst {worst:.2f} s "
              f"({med / base:.1f}× baseline), CPU {cpu:.2f} s{verdict}")
    print(f"\nwheel venv: {size(venv)}")
    if BUNDLE.exists():
        print(f"bundle: {size(BUNDLE.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
