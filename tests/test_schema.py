"""Schema versions, migrations in a transaction, and the backup taken before them."""

from pathlib import Path

import peewee as pw
import pytest

from inventory import models as m
from inventory.backup import list_backups
from inventory.errors import StorageError
from inventory.schema import MIGRATIONS, ensure_schema, schema_version
from inventory.storage import open_store

NEXT = max(MIGRATIONS) + 1


def test_new_database_gets_current_version_and_pragmas(db):
    assert schema_version(db) == max(MIGRATIONS)
    assert db.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute_sql("PRAGMA busy_timeout").fetchone()[0] >= 5000


def test_migration_backs_up_first_and_runs(db, db_url):
    m.Setting.create(key="kept", value="yes")

    def v2(database):
        database.execute_sql("CREATE TABLE extra (id INTEGER PRIMARY KEY)")

    assert ensure_schema(db, {**MIGRATIONS, NEXT: v2}) == NEXT
    backups = list_backups(Path(db_url))
    assert len(backups) == 1 and f"before-v{NEXT}" in backups[0].name
    old = pw.SqliteDatabase(str(backups[0]))
    assert old.execute_sql("SELECT value FROM setting").fetchone()[0] == "yes"
    assert not old.table_exists("extra")
    assert db.table_exists("extra")


def test_failed_migration_changes_nothing(db):
    def v2(database):
        database.execute_sql("CREATE TABLE half (id INTEGER PRIMARY KEY)")
        raise RuntimeError("disk pulled out")

    with pytest.raises(RuntimeError):
        ensure_schema(db, {**MIGRATIONS, NEXT: v2})
    assert schema_version(db) == max(MIGRATIONS)
    assert not db.table_exists("half")


def test_newer_database_is_refused(db, db_url):
    m.SchemaVersion.create(version=99)
    db.close()
    with pytest.raises(StorageError, match="newer than this Stockroom"):
        open_store(db_url)


def test_unopenable_file_gives_a_clear_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StorageError, match="Cannot create the database file"):
        open_store(str(blocker / "sub" / "db.sqlite"))


def test_version_1_file_is_upgraded_with_a_backup(tmp_path):
    from inventory.db import open_database
    from inventory.schema import _v1

    path = tmp_path / "old.sqlite"
    old = open_database(str(path))
    ensure_schema(old, {1: _v1})
    old.close()
    db = open_store(str(path))
    assert schema_version(db) == max(MIGRATIONS)
    names = {r[0] for r in db.execute_sql("SELECT name FROM sqlite_master WHERE type='index'")}
    assert "movement_demand" in names
    assert len(list_backups(path)) == 1
