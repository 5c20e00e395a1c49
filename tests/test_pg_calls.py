"""PostgreSQL: check-out and check-in as one server-side call (inventory/pgcalls.py), the
ledger head's lock taken first by every writer, on a real server."""

from __future__ import annotations

import json
import select
import threading
import time
from datetime import datetime
from decimal import Decimal

import psycopg2
import pytest

from inventory import live, operations, pgcalls
from inventory import models as m
from inventory.commands import CheckIn, CheckOut, Issue
from inventory.errors import InvalidState, NotFound
from inventory.services import assets, chain
from inventory.services.verify import verify
from inventory.storage import open_store

from .conftest import fresh_pg_url
from .world import build

pytestmark = pytest.mark.postgres

CONTENT = [c for c in chain.COLUMNS if c != "at"]

TEXTS = ["", "plain", "it's", 'say "hi"', "both ' and \"", "back\\slash", "\\'", "é ü ß",
         "中文 標籤", "emoji 📦", "tab-free ~!@#$%^&*()_+{}|:<>?", "'", '"', "\\"]


@pytest.fixture
def pg(pg_server):
    url = fresh_pg_url(pg_server)
    db = open_store(url)
    world = build(db)
    yield db, world, url
    db.close()


def _no_python_services(monkeypatch) -> None:
    """The Python services must not be reached: the server did the whole call."""
    def refuse(*args, **kwargs):
        raise AssertionError("the Python service ran although the server call could")
    monkeypatch.setattr(assets, "check_out", refuse)
    monkeypatch.setattr(assets, "check_in", refuse)


def test_the_servers_digest_is_the_chains_for_every_printable_text(pg):
    db, _, _ = pg
    at = datetime(2026, 3, 4, 5, 6, 7)
    for i, text in enumerate(TEXTS):
        values = [at, "check_out", 3, 7 + i, None, 1, 2, None, 4, 4, text, 1, text, "usb",
                  text, Decimal("24") if i % 2 else None, None]
        prev = chain.GENESIS if i % 3 else "ab" * 32
        ours = chain.digest(prev, values)
        theirs = db.execute_sql("SELECT stockroom_digest(%s, %s, %s, %s, %s, %s, %s, %s, %s, "
                                "%s, %s, %s, %s, %s, %s, %s, %s, %s)",
                                (prev, *values)).fetchone()[0]
        assert theirs == ours, text


def test_check_out_and_in_are_one_server_call_and_verify_clean(pg, monkeypatch):
    db, world, _ = pg
    _no_python_services(monkeypatch)
    before = world.movements()
    out = operations.execute(db, world.admin, CheckOut("IT-000001", person="E1",
                                                       reference="ticket 'A\\1' é",
                                                       source="usb"))
    assert (out.view.status, out.view.holder, out.view.location) == (
        "deployed", "Ada Lovelace", "Head office")
    assert out.changes.touches("assets", "people") and out.changes.ids["asset"]
    by_serial = operations.execute(db, world.admin, CheckOut("SN-B", person="E2"))
    assert by_serial.view.serial == "SN-B" and by_serial.view.holder == "Alan Turing"
    back = operations.execute(db, world.admin, CheckIn(by_serial.view.tag, damaged=True))
    assert (back.view.status, back.view.location) == ("in_repair", "Repair bench")
    home = operations.execute(db, world.admin, CheckIn("IT-000001"))
    assert (home.view.status, home.view.location, home.view.holder) == (
        "in_stock", "HQ stockroom", None)
    assert world.movements() == before + 4
    a = m.Asset.get(m.Asset.tag == "IT-000001")
    assert (a.status, a.holder_id, a.location.code) == ("in_stock", None, "SR-HQ")
    rows = list(m.Movement.select().order_by(m.Movement.id.desc()).limit(4))
    assert [r.kind for r in rows] == ["check_in", "check_in", "check_out", "check_out"]
    assert rows[3].reference == "ticket 'A\\1' é" and rows[3].source == "usb"
    assert rows[1].note == "damaged" and rows[1].asset_status == "in_repair"
    assert rows[0].person_id == rows[3].holder_id  # returned by the one who had it
    assert verify(db).ok


def test_the_server_writes_the_same_rows_as_the_python_services(pg):
    db, world, _ = pg

    def trip(tag: str) -> list[tuple]:
        operations.execute(db, world.admin, CheckOut(tag, person="E2", reference="r"))
        operations.execute(db, world.admin, CheckIn(tag, note="fine"))
        rows = m.Movement.select().order_by(m.Movement.id.desc()).limit(2).tuples()
        cols = [m.Movement._meta.fields[f].column_name for f in m.Movement._meta.fields]
        return [tuple(v for c, v in zip(cols, r, strict=True)
                      if c not in ("id", "at", "asset_id", "prev_hash", "hash")) for r in rows]

    server = trip("IT-000002")
    monkey = pgcalls.ENABLED
    pgcalls.ENABLED = False
    try:
        python = trip("IT-000003")
    finally:
        pgcalls.ENABLED = monkey
    assert server == python
    assert verify(db).ok


def test_refusals_are_the_python_rules_words_and_write_nothing(pg):
    db, world, _ = pg
    operations.execute(db, world.admin, CheckOut("IT-000001", person="E1"))
    before = world.movements()
    with pytest.raises(InvalidState, match="already checked out to Ada Lovelace"):
        operations.execute(db, world.admin, CheckOut("IT-000001", person="E2"))
    with pytest.raises(NotFound, match="No asset with tag or serial 'IT-999'"):
        operations.execute(db, world.admin, CheckOut("IT-999", person="E2"))
    with pytest.raises(NotFound, match="No person with employee id 'E404'"):
        operations.execute(db, world.admin, CheckOut("IT-000002", person="E404"))
    with pytest.raises(InvalidState, match="already in stock"):
        operations.execute(db, world.admin, CheckIn("IT-000003"))
    assert world.movements() == before
    assert m.Asset.get(m.Asset.tag == "IT-000002").status == "in_stock"


def test_a_text_python_would_escape_goes_through_the_python_service(pg, monkeypatch):
    db, world, _ = pg
    seen = []
    real = assets.check_out
    monkeypatch.setattr(assets, "check_out", lambda *a, **k: seen.append(1) or real(*a, **k))
    operations.execute(db, world.admin, CheckOut("IT-000001", person="E1",
                                                 reference="line one\nline two"))
    assert seen and verify(db).ok


def test_the_server_call_sends_the_notice_the_unit_of_work_would(pg):
    db, world, url = pg
    listener = psycopg2.connect(url)
    listener.autocommit = True
    listener.cursor().execute(f"LISTEN {live.CHANNEL}")
    try:
        out = operations.execute(db, world.admin, CheckOut("IT-000002", person="E2"))
        deadline = time.monotonic() + 5
        while not listener.notifies and time.monotonic() < deadline:
            select.select([listener], [], [], 0.5)
            listener.poll()
        assert len(listener.notifies) == 1  # one notice, sent by the server call itself
        sent = json.loads(listener.notifies[0].payload)
    finally:
        listener.close()
    expected = json.loads(live.payload(out.changes, world.admin.name or world.admin.username,
                                       out.movement_ids))
    assert sent == expected
    assert sent["ids"]["asset"] == [m.Asset.get(m.Asset.tag == "IT-000002").id]


def test_a_writer_takes_the_ledger_lock_before_any_row_lock(pg):
    """Every unit of work on PostgreSQL locks the ledger's head first: while another
    transaction holds it, a waiting issue has locked no stock level yet (the order that
    used to deadlock: stock row, then head)."""
    db, world, url = pg
    holder = psycopg2.connect(url)
    holder.cursor().execute("SELECT pg_advisory_xact_lock(%s)", (chain._LOCK_KEY,))
    errors: list[BaseException] = []

    def issue() -> None:
        desk = open_store(url)
        try:
            operations.execute(desk, world.admin, Issue("CHG65", 1, person="E1",
                                                        location="SR-HQ"))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            desk.close()

    t = threading.Thread(target=issue)
    t.start()
    try:
        time.sleep(1.0)  # the issue is waiting for the head's lock by now
        probe = psycopg2.connect(url)
        cur = probe.cursor()
        cur.execute("SELECT quantity FROM stock_level s JOIN product p ON p.id = s.product_id "
                    "WHERE p.part_number = 'CHG65' FOR UPDATE NOWAIT")
        assert cur.fetchone()[0] == 10  # not locked, not taken yet
        probe.rollback()
        probe.close()
    finally:
        holder.rollback()
        holder.close()
        t.join(30)
    assert not errors and world.stock("USB-C charger 65 W", "SR-HQ") == 9


def test_verify_on_the_server_finds_what_python_finds(pg):
    """verify's chain check runs on the server when every row is in order; a row changed
    behind Stockroom's back, or a text the server renders differently, goes to Python."""
    db, world, _ = pg
    operations.execute(db, world.admin, CheckOut("IT-000001", person="E1"))
    operations.execute(db, world.admin, CheckIn("IT-000001", note="two\nlines"))
    python = chain.check(db.execute_sql(chain.select_sql()))
    assert chain.check_on_server(db) is None  # the note has a newline: Python decides
    assert python[0] == [] and verify(db).ok
    operations.execute(db, world.admin, CheckOut("IT-000002", person="E2"))
    clean = chain.check(db.execute_sql(chain.select_sql()))
    assert clean[0] == []
    db.execute_sql("ALTER TABLE movement DISABLE TRIGGER movement_append_only")
    db.execute_sql("UPDATE movement SET quantity = 2 WHERE id = (SELECT MIN(id) FROM movement)")
    assert chain.check_on_server(db) is None
    report = verify(db)
    assert not report.ok and "was changed after it was written" in report.chain_problems[0]


def test_verify_on_the_server_agrees_with_python_on_a_clean_ledger(pg):
    db, world, _ = pg
    for tag in ("IT-000001", "IT-000002"):
        operations.execute(db, world.admin, CheckOut(tag, person="E1", reference="it's \\ ok"))
    server = chain.check_on_server(db)
    assert server is not None
    assert server == chain.check(db.execute_sql(chain.select_sql()))
