"""Backups of a PostgreSQL database: pg_dump -Fc out, pg_restore back, admins only."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from inventory import models as m
from inventory import pgbackup
from inventory.errors import StorageError
from inventory.operators import OperatorRef, add_operator
from inventory.storage import open_store
from ui.restore_dialog import RestoreDialog

from .finders import asset_tags, employee_ids
from .team import ADMIN_PASSWORD, demo_on_postgres

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.postgres


@pytest.fixture
def home(tmp_path, monkeypatch):
    """The app's data folder (where dumps are kept) inside the test's folder."""
    data = tmp_path / "xdg"
    monkeypatch.setenv("XDG_DATA_HOME", str(data))
    return data


def run(*args, url, user=None, password=ADMIN_PASSWORD, env=None):
    env = {**os.environ, "STOCKROOM_DATABASE": url, "STOCKROOM_PASSWORD": password,
           **(env or {})}
    user_args = ["--user", user] if user else []
    return subprocess.run([sys.executable, "main.py", *user_args, *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)


def status_of(url: str, tag: str) -> str:
    db = open_store(url)
    try:
        return m.Asset.get(m.Asset.tag == tag).status
    finally:
        db.close()


def test_backup_then_restore_brings_the_database_back(demo_url, pg_server, home):
    url, admin = demo_on_postgres(demo_url, pg_server)
    (tag,) = asset_tags(demo_url, "in_stock")
    (person,) = employee_ids(demo_url, 1)
    r = run("backup", url=url, user=admin.username)
    assert r.returncode == 0, r.stderr
    dump = Path(r.stdout.split("backup written to ", 1)[1].split(" (pg_dump")[0])
    assert dump.is_file() and dump.parent.is_relative_to(home)
    assert run("checkout", tag, "--to", person, url=url, user=admin.username).returncode == 0
    assert status_of(url, tag) == "deployed"
    listed = run("restore", url=url, user=admin.username)
    assert listed.returncode == 0 and dump.name in listed.stdout
    r = run("restore", str(dump), url=url, user=admin.username)
    assert r.returncode == 0, r.stderr
    assert status_of(url, tag) == "in_stock"  # the check-out after the backup is gone
    aside = Path(r.stdout.rsplit("kept as ", 1)[1].strip())
    assert aside.is_file() and "before-restore" in aside.name
    v = run("verify", url=url)
    assert v.returncode == 0, v.stdout
    # and the dump taken before the restore brings the check-out back
    assert run("restore", str(aside), url=url, user=admin.username).returncode == 0
    assert status_of(url, tag) == "deployed"


def test_only_an_admin_backs_up_or_restores(demo_url, pg_server, home):
    url, admin = demo_on_postgres(demo_url, pg_server)
    db = open_store(url)
    try:
        add_operator(db, admin, "mona", "manager", "manager-pass-1")
    finally:
        db.close()
    r = run("backup", url=url, user="mona", password="manager-pass-1")
    assert r.returncode == 1
    assert r.stderr.strip().splitlines() == [r.stderr.strip()]  # one line
    assert "Manager" in r.stderr and "may not" in r.stderr
    assert not list(home.rglob("*.dump"))
    r = run("restore", "x.dump", url=url, user="mona", password="manager-pass-1")
    assert r.returncode == 1 and "may not" in r.stderr


def test_a_missing_pg_dump_is_said_plainly(demo_url, pg_server, home, tmp_path):
    url, admin = demo_on_postgres(demo_url, pg_server)
    r = run("backup", url=url, user=admin.username, env={"PATH": str(tmp_path)})
    assert r.returncode == 1
    assert "pg_dump was not found" in r.stderr and "postgresql-client" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


def test_a_file_that_is_not_a_dump_is_refused(tmp_path, home):
    bogus = tmp_path / "notes.dump"
    bogus.write_text("hello")
    with pytest.raises(StorageError, match="not a PostgreSQL custom-format dump"):
        pgbackup.check_dump(bogus)


def test_backups_dialog_on_postgres(qtbot, demo_url, pg_server, home, monkeypatch):
    url, admin = demo_on_postgres(demo_url, pg_server)
    asked = []
    dlg = RestoreDialog(url, admin, confirm=lambda text: asked.append(text) or True)
    qtbot.addWidget(dlg)
    assert "pg_dump" in dlg.note.text() and dlg.backup_now.isEnabled()
    assert dlg.list.rowCount() == 0
    dlg._backup()
    assert dlg.list.rowCount() == 1 and "Backed up to" in dlg.status.text()
    assert dlg.restore_button.isEnabled()
    closed = []
    dlg.close_database = lambda: closed.append(True)
    with qtbot.waitSignal(dlg.restored):
        assert dlg.restore(dlg.selected())
    assert closed and "for every desk" in asked[0] and "Restored" in dlg.status.text()
    # a non-admin sees the list but can do nothing with it
    desk = OperatorRef(admin.id, "desk", "Desk", "service_desk")
    other = RestoreDialog(url, desk)
    qtbot.addWidget(other)
    assert "Only an admin" in other.note.text()
    assert not other.backup_now.isEnabled() and not other.restore_button.isEnabled()
    # without the PostgreSQL tools the dialog says what to install
    monkeypatch.setattr(pgbackup.shutil, "which", lambda name: None)
    bare = RestoreDialog(url, admin)
    qtbot.addWidget(bare)
    assert "pg_dump was not found" in bare.note.text() and not bare.backup_now.isEnabled()
