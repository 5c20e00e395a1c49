"""Races on PostgreSQL speak plainly: desks placing orders at the same moment all get their
own number; desks importing the same new file at once get one-line messages, never a
driver's UniqueViolation with its DETAIL line."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from inventory import models as m

from .hostile import ROOT, admin_login, run_cli
from .test_concurrency import race
from .world import build

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_world(pg_server):
    from inventory.storage import open_store

    from .conftest import fresh_pg_url

    url = fresh_pg_url(pg_server)
    db = open_store(url)
    build(db)
    login = admin_login(db)
    yield db, url, login
    db.close()


def test_four_desks_ordering_at_once_all_get_a_number(pg_world):
    db, url, _ = pg_world
    db.close()
    results = race(url, [["order", "CHG65", "CDW"] for _ in range(4)])
    assert all(r.startswith("OK PO-") for r in results), results
    db.connect(reuse_if_open=True)
    numbers = [n for (n,) in m.PurchaseOrder.select(m.PurchaseOrder.number).tuples()]
    assert len(numbers) == len(set(numbers)) == 4


def test_three_desks_importing_the_same_new_file(pg_world, tmp_path):
    db, url, login = pg_world
    people = tmp_path / "joiners.csv"
    people.write_text("Employee ID,Name\n" + "".join(f"J{i:04d},Joiner {i}\n"
                                                     for i in range(300)), encoding="utf-8")
    env_go = time.time() + 3
    procs = []
    for _ in range(3):
        wait = f"import time; time.sleep(max(0, {env_go} - time.time()))"
        procs.append(subprocess.Popen(
            [sys.executable, "-c", f"{wait}; import sys, main; sys.argv = ['main.py', "
             f"'--user', '{login.username}', 'import', '{people}', '--kind', 'people']; "
             "sys.exit(main.main())"],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env={**__import__("os").environ, "STOCKROOM_DATABASE": url,
                 "STOCKROOM_PASSWORD": login.password}))
    outs = []
    for p in procs:
        _, err = p.communicate(timeout=120)
        outs.append((p.returncode, err))
    for code, err in outs:
        assert "Traceback" not in err and "UniqueViolation" not in err and "DETAIL" not in err
        if code:
            lines = err.strip().splitlines()
            assert len(lines) == 1 and lines[0].startswith("error: ") and (
                "another desk" in lines[0]), err
    assert sum(code == 0 for code, _ in outs) >= 1
    assert m.Person.select().where(m.Person.employee_id.startswith("J")).count() == 300
    r = run_cli("verify", url=url, login=login)
    assert r.returncode == 0, r.stdout
