"""Every CSV and XLSX the app writes, from the command line and the window, on SQLite and
PostgreSQL: hostile text in every table comes out inert (no cell a spreadsheet runs)."""

from __future__ import annotations

import pytest

from inventory import models as m
from inventory.exchange.export import neutralise, unneutralise
from inventory.exchange.tables import TABLES

from .hostile import (
    HOSTILE,
    admin_login,
    build_hostile,
    formula_cells_in_csv,
    formula_cells_in_xlsx,
    run_cli,
)


def test_cleaning_comes_before_neutralising():
    assert neutralise("\x01=1+1") == "'=1+1"
    assert neutralise("\x00\x1f-cmd") == "'-cmd"
    assert neutralise("-3") == "-3" and neutralise("+1.5e3") == "+1.5e3"  # numbers
    assert neutralise("a\x07b") == "ab" and neutralise(-7) == -7
    for text in HOSTILE:
        assert unneutralise(neutralise(text)) == neutralise(text).removeprefix("'")


@pytest.fixture
def hostile_store(store):
    db, url = store
    build_hostile(db)
    return db, url, admin_login(db)


def _check_csv(path_or_text, where: str, expect_inert: bool = True) -> None:
    live, inert = formula_cells_in_csv(path_or_text)
    assert not live, f"{where}: live formula cells {live}"
    if expect_inert:
        assert inert, f"{where}: no hostile cell reached the file (test would prove nothing)"


def _check_xlsx(path, where: str) -> None:
    live, inert = formula_cells_in_xlsx(path)
    assert not live, f"{where}: formula cells {live}"
    assert inert, f"{where}: no hostile cell reached the workbook"


def test_every_cli_export_path_is_formula_safe(hostile_store, tmp_path):
    db, url, login = hostile_store
    for name in TABLES:
        for fmt in ("csv", "xlsx"):
            out = tmp_path / f"{name}.{fmt}"
            r = run_cli("export", name, "-o", str(out), url=url, login=login)
            assert r.returncode == 0, r.stderr
            (_check_csv if fmt == "csv" else _check_xlsx)(out, f"export {name} {fmt}")

    r = run_cli("export", "people", "-o", "-", url=url, login=login)
    assert r.returncode == 0, r.stderr
    _check_csv(r.stdout, "export people to standard output")

    r = run_cli("reorder", "--all", "--format", "csv", url=url, login=login)
    assert r.returncode == 0, r.stderr
    _check_csv(r.stdout, "reorder --format csv")

    number = m.PurchaseOrder.select(m.PurchaseOrder.number).scalar()
    r = run_cli("po", "csv", number, url=url, login=login)
    assert r.returncode == 0, r.stderr
    _check_csv(r.stdout, "po csv")
    for fmt in ("csv", "xlsx"):
        out = tmp_path / f"po.{fmt}"
        r = run_cli("po", "csv", number, "-o", str(out), url=url, login=login)
        assert r.returncode == 0, r.stderr
        (_check_csv if fmt == "csv" else _check_xlsx)(out, f"po csv -o {fmt}")

    # An import's row report repeats the file's hostile keys.
    people = tmp_path / "people.csv"
    people.write_text("Employee ID,Name\n" + "".join(
        f'"{h.replace(chr(34), chr(34) * 2)}",Somebody\n' for h in HOSTILE[:5]),
        encoding="utf-8")
    for fmt in ("csv", "xlsx"):
        report = tmp_path / f"report.{fmt}"
        r = run_cli("import", str(people), "--kind", "people", "--dry-run", "--report",
                    str(report), url=url, login=login)
        assert r.returncode == 0, r.stderr
        (_check_csv if fmt == "csv" else _check_xlsx)(report, f"import --report {fmt}")

    # A 3PL statement's comparison report names the statement's products.
    statement = tmp_path / "statement.csv"
    statement.write_text("Product,Quantity\n" + "".join(
        f'"{h.replace(chr(34), chr(34) * 2)}",3\n' for h in HOSTILE[:4]), encoding="utf-8")
    db.execute_sql("UPDATE location SET kind = '3pl' WHERE code = 'SR-X'")
    for fmt in ("csv", "xlsx"):
        report = tmp_path / f"reconcile.{fmt}"
        r = run_cli("reconcile", str(statement), "--location", "SR-X", "--report",
                    str(report), url=url, login=login)
        assert r.returncode == 0, r.stderr
        (_check_csv if fmt == "csv" else _check_xlsx)(report, f"reconcile --report {fmt}")


def test_export_then_import_gives_back_the_text(hostile_store, tmp_path):
    """The apostrophe an export adds is stripped again by the importer."""
    db, url, login = hostile_store
    out = tmp_path / "people.xlsx"
    assert run_cli("export", "people", "-o", str(out), url=url, login=login).returncode == 0
    r = run_cli("import", str(out), "--kind", "people", "--dry-run", url=url, login=login)
    assert r.returncode == 0, r.stderr
    assert "0 to create" in r.stdout and "0 refused" in r.stdout, r.stdout


def test_window_exports_are_formula_safe(hostile_store, tmp_path, qtbot, ui_settings,
                                        no_threads_left):
    from inventory.operators import os_operator
    from ui.events import ChangeBus
    from ui.export_actions import export_view
    from ui.tasks import TaskRunner
    from ui.views.base import AppContext
    from ui.views.reorder import ReorderPage

    from .ui_support import settle

    db, url, _ = hostile_store
    runner = TaskRunner(db)
    ctx = AppContext(db, os_operator(db), ChangeBus(), ui_settings, runner, url)
    try:
        page = ReorderPage(ctx)
        qtbot.addWidget(page)
        page.show_all.setChecked(True)  # every line, so every hostile name is in it
        qtbot.waitUntil(lambda: not page.recompute.pending() and page.model.rowCount() > 0,
                        timeout=30_000)
        settle(page)
        for fmt in ("csv", "xlsx"):
            out = tmp_path / f"reorder.{fmt}"
            page.export_to(str(out))  # crashed on a control character before
            assert out.exists(), page.status.text()
            (_check_csv if fmt == "csv" else _check_xlsx)(out, f"Reorder view {fmt}")
            view_out = tmp_path / f"view.{fmt}"
            assert export_view(page.table, None, "reorder", path=view_out) == view_out
            (_check_csv if fmt == "csv" else _check_xlsx)(view_out, f"table view {fmt}")
    finally:
        qtbot.waitUntil(lambda: not page.recompute.pending(), timeout=30_000)
        settle(page)
        page.close()
        runner.shutdown()
