"""Live updates between desks: PostgreSQL NOTIFY/LISTEN and SQLite's data_version, with a
second real process doing the writing."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from inventory import live, operations
from inventory.changes import Changes
from inventory.commands import CheckIn, CheckOut
from inventory.operators import os_operator
from inventory.storage import open_store

from .finders import asset_tags, employee_ids
from .team import ADMIN_PASSWORD, demo_on_postgres

ROOT = Path(__file__).resolve().parent.parent


def other_desk(*args, url, user=None):
    """A command run by another process (another desk)."""
    env = {**os.environ, "STOCKROOM_DATABASE": url, "STOCKROOM_PASSWORD": ADMIN_PASSWORD}
    extra = ["--user", user] if user else []
    r = subprocess.run([sys.executable, "main.py", *extra, *args], cwd=ROOT, env=env,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    return r


def wait_for(listener, seconds=10.0):
    deadline = time.monotonic() + seconds
    got = []
    while time.monotonic() < deadline and not got:
        got = listener.wait(0.2) if isinstance(listener, live.PgListener) else listener.check()
        if not got:
            time.sleep(0.05)
    return got


@pytest.mark.postgres
def test_postgres_desk_hears_another_desks_checkout(demo_url, pg_server):
    url, admin = demo_on_postgres(demo_url, pg_server)
    (tag,) = asset_tags(demo_url, "in_stock")
    (person,) = employee_ids(demo_url, 1)
    db = open_store(url)
    listener = live.PgListener(live.connect_params(db))
    try:
        listener.connect()
        other_desk("checkout", tag, "--to", person, url=url, user=admin.username)
        (got,) = wait_for(listener)
        assert got.changes.touches("assets") and got.movement_ids
        asset_id = next(iter(got.changes.ids["asset"]))
        text = live.describe(db, got)
        assert f"checked out {tag}" in text and "at another desk" in text
        assert got.operator == admin.name or got.operator == admin.username
        from inventory import models as m

        assert m.Asset.get_by_id(asset_id).tag == tag
        # a write refused (rolled back) sends nothing
        r = subprocess.run([sys.executable, "main.py", "--user", admin.username, "checkout",
                            tag, "--to", person], cwd=ROOT, capture_output=True, text=True,
                           env={**os.environ, "STOCKROOM_DATABASE": url,
                                "STOCKROOM_PASSWORD": ADMIN_PASSWORD}, timeout=120)
        assert r.returncode == 1
        assert listener.wait(1.0) == []
        # this desk's own writes are not reported back to it
        operations.execute(db, admin, CheckIn(tag))
        assert listener.wait(0.5) == []
    finally:
        listener.close()
        db.close()


def test_sqlite_desk_sees_another_process_write(demo_url):
    (tag,) = asset_tags(demo_url, "in_stock")
    (person,) = employee_ids(demo_url, 1)
    db = open_store(demo_url)
    watcher = live.SqliteWatcher(demo_url)
    try:
        watcher.connect()
        assert watcher.check() == []  # nothing happened
        other_desk("checkout", tag, "--to", person, url=demo_url)
        (got,) = wait_for(watcher)
        assert got.changes.touches("assets", "people")
        assert f"checked out {tag}" in live.describe(db, got)
        # our own write: no notice (the window had its own already)
        operations.execute(db, os_operator(db), CheckIn(tag))
        assert watcher.check() == []
        # a change that is not in the ledger, by another process: read everything again
        import sqlite3

        con = sqlite3.connect(demo_url)
        con.execute("UPDATE person SET email = 'x@example.com' WHERE id = (SELECT MIN(id) "
                    "FROM person)")
        con.commit()
        con.close()
        (got,) = watcher.check()
        assert got.changes == Changes.everything()
    finally:
        watcher.close()
        db.close()


def test_notice_payload_is_bounded_and_hostile_notices_are_ignored():
    big = Changes.of("assets", ids={"asset": range(100_000)})
    text = live.payload(big, "x" * 10_000, range(100_000))
    assert len(text.encode()) <= live.MAX_PAYLOAD
    for bad in ("", "not json", "[]", '{"kinds": 5}', '{"kinds": ["drop table"]}',
                '{"kinds": ["assets"], "ids": {"asset": ["x"]}}'):
        assert live.parse(bad) is None
    ours = live.payload(Changes.of("assets"), "me", [])
    assert live.parse(ours) is None  # our own desk
    theirs = ours.replace(live.DESK, "otherdesk")
    assert live.parse(theirs).changes.kinds == {"assets"}


def test_own_basket_is_not_reported(demo_url):
    tags = asset_tags(demo_url, "in_stock", 2)
    (person,) = employee_ids(demo_url, 1)
    db = open_store(demo_url)
    watcher = live.SqliteWatcher(demo_url)
    try:
        watcher.connect()
        operations.execute_all(db, os_operator(db), [CheckOut(t, person=person) for t in tags])
        assert watcher.check() == []
    finally:
        watcher.close()
        db.close()


def test_own_writes_on_another_file_do_not_hide_this_files_changes(demo_url, tmp_path):
    """Two files copied from one template hand out the same movement ids: what this
    process wrote to one must not hide another process's write to the other."""
    import shutil

    other = tmp_path / "other.sqlite"
    shutil.copy(demo_url, other)
    (tag,) = asset_tags(demo_url, "in_stock")
    (person,) = employee_ids(demo_url, 1)
    db_other = open_store(str(other))
    try:
        operations.execute(db_other, os_operator(db_other), CheckOut(tag, person=person))
    finally:
        db_other.close()
    watcher = live.SqliteWatcher(demo_url)
    try:
        watcher.connect()
        other_desk("checkout", tag, "--to", person, url=demo_url)
        (got,) = wait_for(watcher)
        assert got.changes.touches("assets")
    finally:
        watcher.close()
