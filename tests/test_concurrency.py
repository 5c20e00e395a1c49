"""Two desks at the same moment, for real: separate processes with their own connections."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from inventory import models as m
from inventory.services.verify import verify

from .world import build

ROOT = Path(__file__).resolve().parent.parent


def race(url: str, jobs: list[list[str]]) -> list[str]:
    go = str(time.time() + 2.0)  # every process is connected and waiting by then
    procs = [subprocess.Popen([sys.executable, "-m", "tests.race_worker", url, *job[:3], go,
                               *job[3:]], cwd=ROOT, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for job in jobs]
    out = []
    for p in procs:
        stdout, stderr = p.communicate(timeout=60)
        assert p.returncode == 0, stderr
        out.append(stdout.strip())
    return out


def test_same_asset_checked_out_at_two_desks(store):
    db, url = store
    world = build(db)
    db.close()
    results = race(url, [["checkout", "IT-000001", "E1"], ["checkout", "IT-000001", "E2"]])
    assert sorted(r.split()[0] for r in results) == ["OK", "REFUSED"], results
    refused = next(r for r in results if r.startswith("REFUSED"))
    assert "already checked out to" in refused
    db.connect(reuse_if_open=True)
    outs = m.Movement.select().where(m.Movement.kind == "check_out").count()
    assert outs == 1
    assert verify(world.db).ok


@pytest.mark.parametrize("desks", [3])
def test_stock_never_double_counted(store, desks):
    db, url = store
    world = build(db)  # 10 chargers at SR-HQ
    db.close()
    results = race(url, [["issue", "CHG65", "E1", "4"] for _ in range(desks)])
    db.connect(reuse_if_open=True)
    issued = m.Movement.select().where(m.Movement.kind == "issue").count()
    assert issued == 10, results  # 12 attempts, 10 on the shelf: exactly 10 went out
    assert world.stock("USB-C charger 65 W", "SR-HQ") == 0
    assert sum("REFUSED" in r for r in results) >= 1
    assert verify(world.db).ok
