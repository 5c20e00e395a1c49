"""The ledger is append-only in fact: the database refuses INSERT OR REPLACE, UPDATE,
DELETE and TRUNCATE from any client; a guard dropped behind Stockroom's back is noticed and
put back by `verify`; and the hash chain makes any changed, removed or re-ordered movement
evident, naming the row. SQLite (through the sqlite3 module, as a hostile script would) and
PostgreSQL (through psycopg2)."""

from __future__ import annotations

import sqlite3

import peewee as pw
import pytest

from inventory import models as m
from inventory.schema import CURRENT_VERSION
from inventory.storage import open_store

from .hostile import admin_login, run_cli
from .world import build


@pytest.fixture
def ledger(store):
    """A world with some history, and a raw connection of another program to its file or
    server (autocommit, no Stockroom pragmas)."""
    db, url = store
    build(db)
    from inventory.operators import os_operator
    from inventory.services import stock

    op = os_operator(db)
    for _ in range(3):
        stock.issue(db, op, "CHG65", 1, person="E1", location="SR-HQ", reference="T-1")
    login = admin_login(db)
    if isinstance(db, pw.PostgresqlDatabase):
        import psycopg2

        raw = psycopg2.connect(url)
        raw.autocommit = True
    else:
        raw = sqlite3.connect(url, isolation_level=None)
    yield db, url, raw, login
    raw.close()


def _sql(raw, sql: str) -> None:
    cur = raw.cursor()
    cur.execute(sql)
    cur.close()


def _refused(raw, sql: str) -> None:
    with pytest.raises(Exception, match="append-only") as err:
        _sql(raw, sql)
    assert "append-only" in str(err.value)
    if not isinstance(raw, sqlite3.Connection):
        raw.rollback() if not raw.autocommit else None


def _ids() -> list[int]:
    return [r[0] for r in m.Movement.select(m.Movement.id).order_by(m.Movement.id).tuples()]


def _verify(url, login):
    r = run_cli("verify", url=url, login=login)
    assert "Traceback" not in r.stderr, r.stderr
    return r


def _drop_guards(db, raw) -> None:
    if isinstance(db, pw.PostgresqlDatabase):
        _sql(raw, "ALTER TABLE movement DISABLE TRIGGER movement_append_only")
    else:
        for name in ("movement_append_only_update", "movement_append_only_delete",
                     "movement_no_insert_or_replace"):
            _sql(raw, f"DROP TRIGGER {name}")


def test_the_database_refuses_every_rewrite(ledger):
    db, url, raw, login = ledger
    first, *_, last = _ids()
    before = m.Movement.select().count()
    _refused(raw, f"UPDATE movement SET quantity = 99 WHERE id = {last}")
    _refused(raw, f"DELETE FROM movement WHERE id = {first}")
    if isinstance(db, pw.PostgresqlDatabase):
        _refused(raw, "TRUNCATE movement")
        _refused(raw, "TRUNCATE product, movement CASCADE")
    else:
        # REPLACE deletes the old row without firing a delete trigger (recursive_triggers
        # is off in a plain sqlite3 connection): the BEFORE INSERT guard refuses it.
        _refused(raw, "INSERT OR REPLACE INTO movement (id, at, kind, product_id, quantity, "
                      "operator_id, reference, source, note) SELECT id, at, kind, product_id, "
                      f"1, operator_id, 'x', source, '' FROM movement WHERE id = {last}")
        _refused(raw, "REPLACE INTO movement (id, at, kind, product_id, quantity, "
                      "operator_id, reference, source, note) SELECT id, at, kind, product_id, "
                      f"1, operator_id, 'x', source, '' FROM movement WHERE id = {first}")
    assert m.Movement.select().count() == before
    r = _verify(url, login)
    assert r.returncode == 0 and r.stdout.startswith("verify ok"), r.stdout


def test_verify_names_a_changed_row_and_puts_the_guard_back(ledger):
    db, url, raw, login = ledger
    target = _ids()[len(_ids()) // 2]
    _drop_guards(db, raw)
    _sql(raw, f"UPDATE movement SET reference = 'forged' WHERE id = {target}")
    r = _verify(url, login)
    assert r.returncode == 2, r.stdout
    assert f"movement {target} was changed after it was written" in r.stdout, r.stdout
    assert "has been put back" in r.stdout
    _refused(raw, f"UPDATE movement SET reference = 'again' WHERE id = {target}")


def test_verify_names_a_removed_row(ledger):
    db, url, raw, login = ledger
    ids = _ids()
    gone, after = ids[3], ids[4]
    _drop_guards(db, raw)
    _sql(raw, f"DELETE FROM movement WHERE id = {gone}")
    r = _verify(url, login)
    assert r.returncode == 2
    assert f"movement {after} does not follow movement {ids[2]}" in r.stdout, r.stdout


def test_verify_names_reordered_rows(ledger):
    """Two movements swapped (every column, hashes too): each row is intact, the chain not."""
    db, url, raw, login = ledger
    ids = _ids()
    a, b = ids[2], ids[5]
    _drop_guards(db, raw)
    cols = [c.name for c in db.get_columns("movement") if c.name != "id"]
    if isinstance(db, pw.PostgresqlDatabase):
        sets = ", ".join(f"{c} = o.{c}" for c in cols)
        _sql(raw, f"UPDATE movement SET {sets} FROM movement o WHERE "
                  f"(movement.id, o.id) IN (({a}, {b}), ({b}, {a}))")
    else:
        _sql(raw, "PRAGMA foreign_keys = OFF")
        _sql(raw, f"UPDATE movement SET id = -1 WHERE id = {a}")
        _sql(raw, f"UPDATE movement SET id = {a} WHERE id = {b}")
        _sql(raw, f"UPDATE movement SET id = {b} WHERE id = -1")
    r = _verify(url, login)
    assert r.returncode == 2
    assert f"movement {a} does not follow" in r.stdout, r.stdout


def test_migration_chains_an_existing_ledger(ledger):
    """A database from before the chain (schema 7, no hashes) is chained on opening."""
    db, url, raw, login = ledger
    _drop_guards(db, raw)
    _sql(raw, "UPDATE movement SET prev_hash = NULL, hash = NULL")
    _sql(raw, "DELETE FROM schema_version WHERE version >= 8")  # back to schema 7
    db.close()
    again = open_store(url)
    try:
        assert m.SchemaVersion.select(pw.fn.MAX(m.SchemaVersion.version)).scalar() == \
            CURRENT_VERSION
        assert m.Movement.select().where(m.Movement.hash.is_null()).count() == 0
    finally:
        again.close()
    r = _verify(url, login)
    assert r.returncode == 0 and r.stdout.startswith("verify ok"), r.stdout
    _refused(raw, f"DELETE FROM movement WHERE id = {_ids()[0]}")
