"""Roles hold on every path, through the command line on SQLite and PostgreSQL: an import's
Status column needs the role the matching action needs, a stock import is a count (a
manager's), 3PL adjustments and on-demand backups need their roles, pruning never deletes
a backup a person asked for, and only an admin of the current database restores, only a
complete Stockroom database."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from inventory import models as m
from inventory.backup import auto_backup, backup_sqlite, list_backups

from .hostile import admin_login, make_operator, run_cli
from .world import build


@pytest.fixture
def team(store):
    db, url = store
    build(db)
    admin = admin_login(db)
    if admin is None:  # SQLite: the founding admin needs a password once others exist
        from inventory.operators import os_operator, set_password

        op = os_operator(db)
        set_password(db, op, op.username, "founding-admin-pw")
        from .hostile import Login

        admin = Login(op.username, "founding-admin-pw")
    logins = {role: make_operator(db, role.replace("_", "-"), role)
              for role in ("viewer", "service_desk", "supply_chain", "manager")}
    logins["admin"] = admin
    return db, url, logins


def _statuses() -> dict[str, str]:
    return dict(m.Asset.select(m.Asset.tag, m.Asset.status).tuples())


def test_import_status_changes_need_the_services_role(team, tmp_path):
    db, url, who = team
    tags = sorted(_statuses())
    m.Asset.update(status="disposed", location=None).where(m.Asset.tag == tags[2]).execute()
    before = _statuses()
    f = tmp_path / "assets.csv"
    f.write_text("Asset tag,Status,Location\n"
                 f"{tags[0]},retired,SR-HQ\n{tags[1]},disposed,SR-HQ\n{tags[2]},in stock,SR-HQ\n",
                 encoding="utf-8")
    r = run_cli("import", str(f), "--kind", "assets", url=url, login=who["supply_chain"])
    assert r.returncode == 0 and "Traceback" not in r.stderr, r.stderr
    refused = [ln for ln in r.stdout.splitlines() if "refused:" in ln]
    assert len(refused) == 3 and all("may not adjust stock" in ln for ln in refused), r.stdout
    assert _statuses() == before
    r = run_cli("import", str(f), "--kind", "assets", url=url, login=who["manager"])
    assert "0 refused" in r.stdout, r.stdout
    after = _statuses()
    assert (after[tags[0]], after[tags[1]], after[tags[2]]) == ("retired", "disposed",
                                                                  "in_stock")


def test_a_stock_import_is_a_count_for_a_manager(team, tmp_path):
    db, url, who = team
    f = tmp_path / "stock.csv"
    f.write_text("Product,Location,Quantity\nUSB-C charger 65 W,SR-HQ,999\n", encoding="utf-8")
    before = m.Movement.select().count()
    for role in ("viewer", "service_desk", "supply_chain"):
        r = run_cli("import", str(f), "--kind", "stock", url=url, login=who[role])
        assert r.returncode == 1 and "may not" in r.stderr, (role, r.stderr)
        if role == "supply_chain":  # may import the catalogue, not set shelf quantities
            assert "may not adjust stock" in r.stderr
    assert m.Movement.select().count() == before
    r = run_cli("import", str(f), "--kind", "stock", url=url, login=who["manager"])
    assert r.returncode == 0 and "1 updated" in r.stdout, r.stdout


def test_statement_adjustments_need_a_manager(team, tmp_path):
    db, url, who = team
    statement = tmp_path / "nw.csv"
    statement.write_text("SKU,Quantity\nCHG65,7\n", encoding="utf-8")
    before = m.Movement.select().count()
    r = run_cli("reconcile", str(statement), "--location", "3PL-NW", "--approve", url=url,
                login=who["supply_chain"])
    assert r.returncode == 1 and "may not adjust stock" in r.stderr, r.stderr
    assert m.Movement.select().count() == before


def test_operator_management_is_for_admins(team):
    db, url, who = team
    for role in ("viewer", "service_desk", "supply_chain", "manager"):
        r = run_cli("operator", "add", f"new-{role}", "--role", "admin", url=url,
                    login=who[role], env={"STOCKROOM_NEW_PASSWORD": "whatever-pw"})
        assert r.returncode == 1 and "may not manage operators" in r.stderr, r.stderr
        r = run_cli("operator", "disable", "manager", url=url, login=who[role])
        assert r.returncode == 1, r.stderr
    assert m.Operator.select().where(m.Operator.active).count() == 5


@pytest.fixture
def sqlite_team(tmp_path):
    from inventory.storage import open_store

    url = str(tmp_path / "stock.sqlite")
    db = open_store(url)
    build(db)
    from inventory.operators import os_operator, set_password

    op = os_operator(db)
    set_password(db, op, op.username, "founding-admin-pw")
    from .hostile import Login

    logins = {"admin": Login(op.username, "founding-admin-pw"),
              "viewer": make_operator(db, "viewer", "viewer"),
              "service_desk": make_operator(db, "desk", "service_desk"),
              "manager": make_operator(db, "boss", "manager")}
    db.close()
    return url, logins


def test_backups_need_a_role_and_pruning_spares_what_people_asked_for(sqlite_team, tmp_path):
    url, who = sqlite_team
    path = Path(url)
    named = tmp_path / "my-named-copy.sqlite"
    for _ in range(3):
        r = run_cli("backup", url=url, login=who["viewer"])
        assert r.returncode == 1 and "may not take backups" in r.stderr, r.stderr
    _no_sign_in = run_cli("backup", url=url)
    assert _no_sign_in.returncode == 1 and "sign in" in _no_sign_in.stderr
    assert not list_backups(path)
    r = run_cli("backup", url=url, login=who["manager"])
    assert r.returncode == 0, r.stderr
    manual = list_backups(path)
    assert len(manual) == 1 and manual[0].name.endswith("-manual.sqlite")
    assert run_cli("backup", "-o", str(named), url=url, login=who["manager"]).returncode == 0
    shutil.copy(named, path.parent / "backups" / f"{path.stem}-mine.sqlite")  # user-named
    for i in range(4):  # automatic backups, pruned to the newest 2
        sqlite3.connect(url).execute(f"INSERT INTO setting VALUES ('k{i}', '{i}')").connection\
            .commit()
        auto_backup(url, keep=2)
    backup_sqlite(path, label="before-v99", keep=2)
    names = [p.name for p in list_backups(path)]
    assert sum(n.endswith("-auto.sqlite") or "-before-v" in n for n in names) == 2, names
    assert any(n.endswith("-manual.sqlite") for n in names), names
    assert f"{path.stem}-mine.sqlite" in names and named.exists()


def _schema(url: str, sql: str) -> None:
    con = sqlite3.connect(url)
    con.execute(sql)
    con.commit()
    con.close()


def test_only_an_admin_of_the_current_database_restores(sqlite_team, tmp_path):
    url, who = sqlite_team
    good = tmp_path / "good.sqlite"
    assert run_cli("backup", "-o", str(good), url=url, login=who["manager"]).returncode == 0
    for role in ("viewer", "service_desk", "manager"):
        r = run_cli("restore", str(good), url=url, login=who[role])
        assert r.returncode == 1 and "may not manage operators and restore" in r.stderr
    # The live file from a newer Stockroom: its own operators still decide.
    _schema(url, "INSERT INTO schema_version (version, applied_at) VALUES (99, '2030-01-01')")
    r = run_cli("restore", str(good), url=url, env={"LOGNAME": "x", "USER": "x"})
    assert r.returncode == 1 and "shared" in r.stderr, r.stderr
    r = run_cli("restore", str(good), url=url, login=who["service_desk"])
    assert r.returncode == 1 and "may not manage operators" in r.stderr, r.stderr
    con = sqlite3.connect(url)
    assert con.execute("SELECT MAX(version) FROM schema_version").fetchone()[0] == 99
    con.close()
    r = run_cli("restore", str(good), url=url, login=who["admin"])
    assert r.returncode == 0 and "restored" in r.stdout, r.stderr


def test_restore_takes_only_a_complete_stockroom_database(sqlite_team, tmp_path):
    url, who = sqlite_team
    admin = who["admin"]
    good = tmp_path / "good.sqlite"
    assert run_cli("backup", "-o", str(good), url=url, login=who["manager"]).returncode == 0
    cases = {}
    no_column = tmp_path / "no-column.sqlite"
    shutil.copy(good, no_column)
    _schema(str(no_column), "ALTER TABLE asset DROP COLUMN notes")
    cases[no_column] = "asset.notes"
    no_table = tmp_path / "no-table.sqlite"
    shutil.copy(good, no_table)
    _schema(str(no_table), "DROP TABLE license_seat")
    cases[no_table] = "table license_seat"
    foreign = tmp_path / "foreign.sqlite"
    _schema(str(foreign), "CREATE TABLE notes (id INTEGER, body TEXT)")
    cases[foreign] = "no Stockroom tables"
    newer = tmp_path / "newer.sqlite"
    shutil.copy(good, newer)
    _schema(str(newer), "INSERT INTO schema_version (version, applied_at) VALUES (99, 'x')")
    cases[newer] = "newer Stockroom"
    garbage = tmp_path / "garbage.sqlite"
    garbage.write_bytes(b"SQLite format 3\x00" + bytes(range(256)) * 40)
    cases[garbage] = "damaged"
    before = Path(url).read_bytes()
    for path, why in cases.items():
        r = run_cli("restore", str(path), url=url, login=admin)
        assert r.returncode == 1 and why in r.stderr and "Traceback" not in r.stderr, (
            path.name, r.stderr)
    assert Path(url).read_bytes() == before
