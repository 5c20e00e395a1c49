"""`python main.py import`: progress on stderr, a summary and refused rows on stdout,
one-line errors and a non-zero exit on failure."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from inventory import models as m

from .test_import_assets import SNIPE_HEADERS, setup_catalog, snipe_row, write_csv

ROOT = Path(__file__).resolve().parent.parent


def _run(url, *args):
    return subprocess.run([sys.executable, "main.py", "--database", url, "import", *args],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_import_command(db, admin, db_url, tmp_path):
    setup_catalog(db, admin)
    rows = [SNIPE_HEADERS] + [snipe_row(f"C-{i:05d}", f"CS{i:05d}") for i in range(6000)]
    rows.append(snipe_row("C-BAD", "CSBAD", model="Unknown thing"))
    path = write_csv(tmp_path / "export.csv", rows)
    db.close()
    dry = _run(db_url, str(path), "--preset", "snipeit", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "row 6002: C-BAD: refused: Unknown model 'Unknown thing'" in dry.stdout
    assert dry.stdout.strip().splitlines()[-1].startswith(
        "dry run: 6001 rows of assets: 6000 to create")
    assert "checking 6,001/6,001 rows" in dry.stderr
    report = tmp_path / "rows.csv"
    real = _run(db_url, str(path), "--preset", "snipeit", "--report", str(report))
    assert real.returncode == 0, real.stderr
    assert "writing 6,000/6,000 rows" in real.stderr
    assert len(report.read_text(encoding="utf-8-sig").splitlines()) == 6002
    db.connect(reuse_if_open=True)
    assert m.Asset.select().where(m.Asset.tag.startswith("C-")).count() == 6000
    for args, message in (
            ([str(tmp_path / "none.csv")], "error: No file"),
            ([str(path), "--kind", "cars"], "error: Unknown kind 'cars'"),
            ([str(path), "--map", "tag"], "error: --map takes FIELD=COLUMN"),
            ([str(path), "--kind", "assets", "--location", "NOWHERE"], "error: No location")):
        failed = _run(db_url, *args)
        assert failed.returncode == 1 and failed.stderr.strip().startswith(message), (
            args, failed.stderr)
        assert "Traceback" not in failed.stderr
