"""`migrate`: a desk's SQLite file copied onto a real PostgreSQL server, proven, usable."""

import os
import subprocess
import sys
from pathlib import Path

import psycopg2
import pytest

from inventory import models as m
from inventory import operations
from inventory.commands import CheckOut
from inventory.operators import OperatorRef
from inventory.storage import open_store

from .conftest import fresh_pg_url
from .finders import asset_tags, employee_ids

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.postgres


def run(*args, db):
    env = {**os.environ, "STOCKROOM_DATABASE": str(db)}
    return subprocess.run([sys.executable, "main.py", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)


def counts(url: str) -> dict[str, int]:
    con = psycopg2.connect(url)
    try:
        with con.cursor() as cur:
            cur.execute("SELECT relname FROM pg_class WHERE relkind = 'r' AND "
                        "relnamespace = 'public'::regnamespace")
            tables = [r[0] for r in cur.fetchall()]
            out = {}
            for t in tables:
                cur.execute(f'SELECT COUNT(*) FROM "{t}"')
                out[t] = cur.fetchone()[0]
            return out
    finally:
        con.close()


def sqlite_counts(path: str, tables) -> dict[str, int]:
    import sqlite3

    con = sqlite3.connect(path)
    try:
        return {t: con.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}
    finally:
        con.close()


def test_migrate_copies_everything_and_the_copy_is_usable(demo_url, pg_server):
    target = fresh_pg_url(pg_server)
    r = run("migrate", target, db=demo_url)
    assert r.returncode == 0, r.stderr
    assert "row counts equal" in r.stdout and "verify says the same on both" in r.stdout
    assert "copying movement" in r.stderr  # the progress bar (plain lines in a log)
    copied = counts(target)
    want = sqlite_counts(demo_url, [t for t in copied if t != "schema_version"])
    assert {t: n for t, n in copied.items() if t != "schema_version"} == want
    assert want["movement"] > 1000 and want["operator"] >= 1
    # the copy verifies clean, with the same chain head as the file
    v_pg = run("verify", db=target)
    v_file = run("verify", db=demo_url)
    assert v_pg.returncode == 0, v_pg.stdout + v_pg.stderr
    head = v_file.stdout.strip().rsplit("ledger chain head ", 1)[1]
    assert v_pg.stdout.strip().endswith(f"ledger chain head {head}")
    # and the team goes on working on it: new ids follow the copied ones, the chain grows
    (tag,) = asset_tags(demo_url, "in_stock")
    (person,) = employee_ids(demo_url, 1)
    db = open_store(target)
    try:
        admin = m.Operator.get(m.Operator.role == "admin")
        op = OperatorRef(admin.id, admin.username, admin.name, admin.role)
        before = m.Movement.select().count()
        result = operations.execute(db, op, CheckOut(tag, person=person))
        assert result.movement_id > max(want["movement"], before - 1)
    finally:
        db.close()
    after = run("verify", db=target)
    assert after.returncode == 0, after.stdout
    assert head not in after.stdout  # the chain moved on from the copied head


def test_migrate_refuses_a_target_that_is_not_empty(demo_url, pg_server):
    target = fresh_pg_url(pg_server)
    con = psycopg2.connect(target)
    with con, con.cursor() as cur:
        cur.execute("CREATE TABLE customers (id int)")
        cur.execute("INSERT INTO customers VALUES (1)")
    con.close()
    r = run("migrate", target, db=demo_url)
    assert r.returncode == 1
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "is not empty" in lines[0] and "Nothing was copied" in lines[0]
    assert counts(target) == {"customers": 1}  # left exactly as it was


def test_migrate_twice_refuses_the_second_and_keeps_the_first(demo_url, pg_server):
    target = fresh_pg_url(pg_server)
    assert run("migrate", target, "--no-verify", db=demo_url).returncode == 0
    first = counts(target)
    again = run("migrate", target, db=demo_url)
    assert again.returncode == 1 and "is not empty" in again.stderr
    assert counts(target) == first


def test_a_failed_copy_leaves_nothing_on_the_server(demo_url, pg_server):
    """A row the server cannot take (here: a text with a NUL byte written around the app)
    aborts the copy; the target stays empty and can be migrated into once it is fixed."""
    import sqlite3

    con = sqlite3.connect(demo_url)
    con.execute("UPDATE person SET name = 'Ann' || char(0) || 'Lee' WHERE id = "
                "(SELECT MIN(id) FROM person)")
    con.commit()
    con.close()
    target = fresh_pg_url(pg_server)
    r = run("migrate", target, "--no-verify", db=demo_url)
    assert r.returncode == 1
    assert r.stderr.strip().splitlines()[-1].startswith("error: ")
    assert "Traceback" not in r.stderr
    assert counts(target) == {}


def test_migrate_needs_a_postgres_target_and_a_sqlite_source(demo_url, pg_server, tmp_path):
    r = run("migrate", str(tmp_path / "other.sqlite"), db=demo_url)
    assert r.returncode == 1 and "postgresql://" in r.stderr
    target = fresh_pg_url(pg_server)
    r = run("migrate", target, db=target)
    assert r.returncode == 1 and "--database FILE" in r.stderr


def test_every_value_crosses_exactly_even_tabs_newlines_and_backslashes(tmp_path, pg_server):
    """COPY's text is made by SQLite's own functions: hostile texts, NULLs, reals and
    booleans arrive as they were, and the copy verifies (its chain hashes every value)."""
    from inventory.commands import CheckIn
    from inventory.migrate import copy_to_postgres

    from .world import build

    src = open_store(str(tmp_path / "src.sqlite"))
    world = build(src)
    hostile = "tab\there\nnew line\r\\back\\N 'q' \"dq\" é 📦 \\t"
    operations.execute(src, world.admin, CheckOut("IT-000001", person="E1", reference=hostile))
    operations.execute(src, world.admin, CheckIn("IT-000001", note=hostile + "\n"))
    m.Person.update(name=hostile).where(m.Person.employee_id == "E2").execute()
    m.TransferLane.update(lead_time_days=2.375).execute()  # a real (REAL on the server)

    def rows(db) -> dict[str, list[tuple]]:
        return {model._meta.table_name: sorted(model.select().tuples(), key=lambda r: r[0])
            for model in (m.Movement, m.Person, m.TransferLane, m.Product, m.Asset)}

    want = rows(src)
    target = fresh_pg_url(pg_server)
    report = copy_to_postgres(src, target, check=True)
    src.close()
    assert report.verify_target is not None and report.verify_target.ok
    db = open_store(target)
    try:
        got = rows(db)
    finally:
        db.close()
    assert got["movement"] == want["movement"]
    assert any(hostile in r for r in got["person"])
    assert got["transfer_lane"] == want["transfer_lane"]
    assert got == want
