"""Service targets per category and ABC class: which applies, who may set them, and that
the reorder list, the backtest and the CLI use them."""

from __future__ import annotations

import csv
import io

import numpy as np
import pytest
from openpyxl import load_workbook

from inventory import models as m
from inventory.errors import PermissionDenied, ValidationError
from inventory.operators import OperatorRef, os_operator
from inventory.replenishment.backtest import POLICY, run_backtest
from inventory.replenishment.engine import reorder_list
from inventory.replenishment.targets import (
    Target,
    abc_classes,
    list_targets,
    parse_level,
    resolve_targets,
    set_target,
)
from main import main

from .test_backtest_replay import TODAY, _ledger


def test_abc_classes_split_annual_value_80_15_5():
    # Ranked 70, 10, 10, 5, 4, 1, 0 (total 100): a product is A while the value ranked
    # above it is under 80 % (70, then the first 10), B while under 95 % (the second 10,
    # then 5), else C; a product without value is always C.
    value = [10, 70, 5, 10, 4, 1, 0]
    assert abc_classes(value).tolist() == ["A", "A", "B", "B", "C", "C", "C"]


def test_the_most_specific_target_applies():
    targets = [Target("category", "Cables", 0.90), Target("abc", "A", 0.98)]
    got = resolve_targets(
        [1, 2, 3, 4], category={1: "Cables", 2: "Cables", 3: "Docks", 4: "Docks"},
        product_level={1: 0.99}, annual_value={1: 10, 2: 10, 3: 1000, 4: 1},
        targets=targets, default=0.95)
    assert got.level.tolist() == [0.99, 0.90, 0.98, 0.95]
    assert got.source == ["product", "category Cables", "ABC class A", "default"]


@pytest.mark.parametrize("text,value", [("95", 0.95), ("97.5%", 0.975), ("0.9", 0.9)])
def test_levels_are_read_as_people_write_them(text, value):
    assert parse_level(text) == value


@pytest.mark.parametrize("text", ["", "abc", "100", "0.3", "nan", "inf"])
def test_impossible_levels_are_refused(text):
    with pytest.raises(ValidationError):
        parse_level(text)


def test_a_viewer_cannot_set_a_target_and_nothing_changes(db):
    _ledger(db)
    op = m.Operator.create(username="v", name="Viewer", role="viewer")
    with pytest.raises(PermissionDenied):
        set_target(db, OperatorRef(op.id, op.username, op.name, op.role), "abc", "A", 99)
    assert list_targets(db) == []


def test_the_reorder_line_says_which_target_applies(db):
    _ledger(db)
    set_target(db, os_operator(db), "category", "cables", "90")  # any case finds it
    (line,) = reorder_list(db, today=TODAY, alerts_only=False)
    assert line.service_level == 0.90
    assert line.target_source == "category Cables"
    assert any("Target 90.0%: the target of category Cables" in r for r in line.reasons())


def test_the_backtest_replays_each_products_target(db):
    _ledger(db)
    set_target(db, os_operator(db), "abc", "A", 0.98)
    policy = run_backtest(db, today=TODAY, months=12).result(POLICY)
    assert policy.target == pytest.approx(0.98)  # the only product holds all the value


def test_cli_backtest_csv_and_xlsx(db_url, db, tmp_path, capsys):
    _ledger(db)
    assert main(["--database", db_url, "backtest", "--today", TODAY.isoformat(),
                 "--service-level", "95", "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    policy = next(r for r in rows if r["rule"] == "policy" and r["class"] == "all")
    assert (policy["orders"], policy["CSL"], policy["target"]) == ("3", "1.0", "0.95")
    out = tmp_path / "bt.xlsx"
    assert main(["--database", db_url, "backtest", "--today", TODAY.isoformat(),
                 "--format", "xlsx", "-o", str(out)]) == 0
    sheet = load_workbook(out).active
    assert [c.value for c in sheet[1]][:5] == ["rule", "class", "items", "target", "CSL"]
    assert {sheet.cell(r, 1).value for r in range(2, sheet.max_row + 1)} == {"policy",
                                                                            "baseline"}


def test_cli_backtest_table_names_the_period_and_the_baseline(db_url, db, capsys):
    _ledger(db)
    assert main(["--database", db_url, "backtest", "--today", TODAY.isoformat(),
                 "--months", "6"]) == 0
    out = capsys.readouterr().out
    assert "Backtest 2025-12-01 to 2026-05-31 (6 months)" in out
    assert "baseline" in out and "smooth" in out


def test_cli_refuses_a_bad_level_with_one_line(db_url, db, capsys):
    _ledger(db)
    assert main(["--database", db_url, "backtest", "--service-level", "150"]) == 1
    assert capsys.readouterr().err.startswith("error: A service level must be between")


def test_cli_targets_set_list_clear(db_url, db, capsys):
    _ledger(db)
    assert main(["--database", db_url, "targets", "set", "abc", "b", "97"]) == 0
    assert main(["--database", db_url, "targets", "list"]) == 0
    assert "ABC class B\t97.0%" in capsys.readouterr().out
    assert main(["--database", db_url, "targets", "clear", "abc", "B"]) == 0
    assert list_targets(db) == []
    assert main(["--database", db_url, "targets", "set", "category", "Nope", "90"]) == 1
    assert "Categories: Cables" in capsys.readouterr().err


def test_abc_of_nothing_is_all_c():
    assert abc_classes(np.zeros(3)).tolist() == ["C", "C", "C"]


def test_settings_and_targets_are_read_and_written_through_the_handle_given(tmp_path):
    """Two desks' files open in one process (the models bound to the second): each handle
    (a database or the window's Store) reads and writes its own file's settings, targets
    and categories."""
    from inventory.db import unwrap
    from inventory.replenishment.engine import load_settings
    from inventory.replenishment.targets import categories, clear_target, save_targets
    from inventory.services import catalog
    from inventory.storage import open_store_handle

    def desk(name: str, category: str, level: str):
        store = open_store_handle(str(tmp_path / f"{name}.sqlite"))  # binds the models
        db, op = unwrap(store), os_operator(unwrap(store))
        catalog.create_product(db, op, f"{category} item", "spare", part_number=name,
                               category=category)
        m.Setting.insert(key="reorder.service_level", value=level).execute(db)
        m.Setting.insert(key="reorder.cover_months", value="2").execute(db)
        set_target(store, op, "category", category, level)
        return store, op

    store_a, op_a = desk("a", "Cables", "0.9")
    store_b, op_b = desk("b", "Docks", "0.97")  # the models now point at b
    a = unwrap(store_a)
    assert load_settings(store_a).service_level == 0.9
    assert load_settings(a).cover_months == 2.0 and load_settings(store_b).service_level == 0.97
    assert list_targets(store_a) == [Target("category", "Cables", 0.9)]
    assert list_targets(store_b) == [Target("category", "Docks", 0.97)]
    assert categories(a) == [("Cables", 1)] and categories(store_b) == [("Docks", 1)]
    # writes through a's handle land in a (its categories checked in a), b untouched
    set_target(a, op_a, "abc", "A", 99)
    save_targets(store_a, op_a, [("category", "Cables", None), ("abc", "B", 0.96)])
    assert list_targets(a) == [Target("abc", "A", 0.99), Target("abc", "B", 0.96)]
    clear_target(store_a, op_a, "abc", "A")
    assert list_targets(a) == [Target("abc", "B", 0.96)]
    assert list_targets(store_b) == [Target("category", "Docks", 0.97)]
    store_a.close()
    store_b.close()
