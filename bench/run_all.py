"""Run every benchmark in turn (each prints its figures beside its targets).

    .venv/bin/python bench/run_all.py [NAME ...]     # e.g. services decode

The large data sets are built once into bench/out/ (git-ignored) and reused.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPTS = {
    "services": ["bench_services.py"],
    "decode": ["bench_decode.py"],
    "camera": ["bench_camera.py"],
    "forecast": ["bench_forecast.py"],
    "backtest": ["backtest.py"],
    "reorder": ["bench_reorder.py"],
    "import": ["bench_import.py"],
    "scan-feedback": ["bench_scan_feedback.py"],
    "ui": ["bench_ui.py"],
    "install": ["bench_install.py"],
}


def main(names: list[str]) -> int:
    unknown = [n for n in names if n not in SCRIPTS]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; choose from {', '.join(SCRIPTS)}",
              file=sys.stderr)
        return 2
    failed = []
    for name in names or list(SCRIPTS):
        print(f"\n===== {name} =====", flush=True)
        r = subprocess.run([sys.executable, str(HERE / SCRIPTS[name][0]), *SCRIPTS[name][1:]])
        if r.returncode:
            failed.append(name)
    if failed:
        print(f"\nfailed to run: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
