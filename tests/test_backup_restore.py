"""Backup, damage, restore: every movement comes back; damaged backups are refused; the
current file is kept aside; automatic backups keep the last N; PostgreSQL is pointed to
pg_dump / pg_restore."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import peewee
import pytest

from inventory import models as m
from inventory.backup import (
    POSTGRES_HELP,
    auto_backup,
    backup_sqlite,
    check_backup,
    list_backups,
    restore_sqlite,
)
from inventory.errors import PermissionDenied, StorageError
from inventory.exchange.restore import restore
from inventory.services.verify import verify
from inventory.storage import open_store

ROOT = Path(__file__).resolve().parent.parent


def _damage(path: Path) -> None:
    """Overwrite pages in the middle of the file, as a failing disk would."""
    size = path.stat().st_size
    with path.open("r+b") as f:
        f.seek(size // 3)
        f.write(os.urandom(min(64 * 1024, size // 3)))


def _ledger(db) -> list[tuple]:
    return list(m.Movement.select(m.Movement.id, m.Movement.kind, m.Movement.asset,
                                  m.Movement.quantity).order_by(m.Movement.id).tuples())


@pytest.mark.every_demo_date
def test_backup_damage_restore_gives_back_every_movement(demo_db, demo_url, tmp_path):
    path = Path(demo_url)
    before = _ledger(demo_db)
    backup = backup_sqlite(path, tmp_path / "safe.sqlite")
    assert check_backup(backup).movements == len(before)
    demo_db.close()
    _damage(path)
    with pytest.raises((StorageError, peewee.DatabaseError)):
        broken = open_store(demo_url)
        try:
            verify(broken)
        finally:
            broken.close()
    result = restore(demo_url, backup)
    assert result.kept_aside is not None and result.kept_aside.exists()
    assert result.kept_aside.name.startswith("demo.before-restore-")
    db = open_store(demo_url)
    try:
        assert _ledger(db) == before
        assert verify(db).ok
    finally:
        db.close()


def test_damaged_or_foreign_backups_are_refused(db_url, db, admin, tmp_path):
    good = backup_sqlite(Path(db_url), tmp_path / "good.sqlite")
    bad = tmp_path / "bad.sqlite"
    shutil.copy(good, bad)
    _damage(bad)
    with pytest.raises(StorageError, match="damaged"):
        check_backup(bad)
    text = tmp_path / "notes.sqlite"
    text.write_text("hello", encoding="utf-8")
    with pytest.raises(StorageError, match="not an SQLite file"):
        check_backup(text)
    import sqlite3

    other = tmp_path / "other.sqlite"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    with pytest.raises(StorageError, match="no Stockroom tables"):
        check_backup(other)
    with pytest.raises(StorageError, match="No backup file"):
        check_backup(tmp_path / "missing.sqlite")
    db.close()
    with pytest.raises(StorageError, match="damaged"):
        restore_sqlite(Path(db_url), bad)
    assert not list(Path(db_url).parent.glob("*.before-restore-*"))  # nothing touched


def test_restore_refuses_a_database_in_use(db_url, db, admin, tmp_path):
    good = backup_sqlite(Path(db_url), tmp_path / "good.sqlite")
    with db.atomic():
        m.Setting.create(key="x", value="1")
        with pytest.raises(StorageError, match="in use"):
            restore_sqlite(Path(db_url), good)


def test_only_an_admin_restores(db_url, db, admin, tmp_path):
    from inventory.operators import add_operator, set_password

    set_password(db, admin, admin.username, "admin-password")
    add_operator(db, admin, "desk", "service_desk", "password1")
    add_operator(db, admin, "boss", "admin", "password2")
    good = backup_sqlite(Path(db_url), tmp_path / "good.sqlite")
    db.close()
    with pytest.raises(PermissionDenied, match="may not manage operators and restore"):
        restore(db_url, good, username="desk", password="password1")
    with pytest.raises(PermissionDenied, match="wrong password"):
        restore(db_url, good, username="boss", password="nope")
    # a damaged current file: the backup's admins decide
    _damage(Path(db_url))
    with pytest.raises(PermissionDenied):
        restore(db_url, good, username="desk", password="password1")
    assert restore(db_url, good, username="boss", password="password2").kept_aside


def test_auto_backup_keeps_the_last_n_and_skips_unchanged(db_url, db, admin):
    path = Path(db_url)
    first = auto_backup(db_url, keep=3)
    assert first is not None and first.exists()
    assert auto_backup(db_url, keep=3) is None  # nothing changed
    made = [first]
    for i in range(4):
        m.Setting.create(key=f"k{i}", value=str(i))
        made.append(auto_backup(db_url, keep=3))
    kept = list_backups(path)
    assert kept == sorted(made[-3:], reverse=True)
    assert not any(p.exists() for p in made[:2])
    m.Setting.create(key="backup_keep", value="2")
    auto_backup(db_url)
    assert len(list_backups(path)) == 2
    assert not list(path.parent.glob("backups/*-wal"))  # backups are single files


def test_postgres_is_pointed_to_pg_dump():
    assert "pg_dump" in POSTGRES_HELP and "pg_restore" in POSTGRES_HELP
    assert auto_backup("postgresql://u@localhost/x") is None
    with pytest.raises(StorageError, match="pg_restore"):
        restore("postgresql://u@localhost/x", "whatever.dump")


def test_restore_command(db_url, db, admin, tmp_path):
    good = backup_sqlite(Path(db_url), tmp_path / "good.sqlite")
    m.Setting.create(key="after", value="backup")
    db.close()

    def run(*args, url=db_url):
        return subprocess.run([sys.executable, "main.py", "--database", url, *args], cwd=ROOT,
                              capture_output=True, text=True, timeout=120)
    listed = run("restore")
    assert listed.returncode == 0
    done = run("restore", str(good))
    assert done.returncode == 0, done.stderr
    assert "restored good.sqlite" in done.stdout and "kept as" in done.stdout
    again = open_store(db_url)
    try:
        assert m.Setting.get_or_none(m.Setting.key == "after") is None
    finally:
        again.close()
    missing = run("restore", str(tmp_path / "nope.sqlite"))
    assert missing.returncode == 1 and missing.stderr.startswith("error: No backup file")
    pg = run("restore", "x.dump", url="postgresql://nobody@127.0.0.1:1/none")
    assert pg.returncode == 1 and "Traceback" not in pg.stderr
    assert pg.stderr.strip() == ("error: Cannot reach the PostgreSQL server. Check the address "
                                 "and that it is running.")
