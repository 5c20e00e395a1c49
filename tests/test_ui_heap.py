"""The garbage collector's full passes stay short at a big counter (ui/heap.py).

A full pass holds every thread, the window's too. What the window starts with is moved
out of its way once the first page is filled, and the big things a page keeps (a table's
ids, the reorder lines) are nothing for it to walk."""

from __future__ import annotations

import gc
import weakref

from inventory.queries.devices import DeviceTable
from inventory.replenishment.engine import reorder_list
from tests.ui_support import IGNORE_OFFSCREEN
from ui import heap
from ui.models.table import LazyTableModel

pytestmark = [IGNORE_OFFSCREEN]


class Cycle:
    """A pair of objects that only the cyclic collector can free."""

    def __init__(self) -> None:
        self.me = self


def open_window(qtbot, ctx):
    from ui.main_window import MainWindow

    w = MainWindow(ctx)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: not ctx.runner.is_busy(), timeout=20_000)
    qtbot.wait(10)
    return w


def test_once_the_first_page_is_filled_a_full_pass_walks_only_what_came_after(qtbot, ctx):
    gc.unfreeze()  # whatever an earlier test froze
    gc.set_threshold(700, 10, 10)  # CPython's defaults
    assert gc.get_freeze_count() == 0
    w = open_window(qtbot, ctx)
    frozen = gc.get_freeze_count()
    assert frozen > 0, "the heap the window started with was not set aside"
    walked = len(gc.get_objects())
    assert walked < frozen / 4, (
        f"a full pass still walks {walked:,} objects beside the {frozen:,} set aside")
    assert gc.get_threshold()[2] >= heap.FULL_PASS_AFTER  # and comes ten times less often
    w.close()


def test_a_window_built_later_lets_the_earlier_windows_heap_go(qtbot, ctx):
    gc.unfreeze()
    junk = Cycle()
    gone = weakref.ref(junk)
    first = open_window(qtbot, ctx)  # junk is alive now: set aside with the rest
    del junk
    gc.collect()
    assert gone() is not None  # set aside: a full pass no longer looks at it
    first.close()
    second = open_window(qtbot, ctx)
    assert gone() is None, "an earlier window's garbage stayed frozen after a new window"
    second.close()


def test_reorder_lines_are_not_walked_by_the_collector(demo_db):
    lines = reorder_list(demo_db, alerts_only=False)
    assert lines
    tracked = [ln for ln in lines if gc.is_tracked(ln)]
    assert not tracked, f"{len(tracked)} of {len(lines)} lines are walked by every full pass"


def test_a_tables_ids_are_one_block_of_numbers_not_an_object_each(qapp, demo_db):
    model = LazyTableModel(DeviceTable())
    model.reload()
    ids = model.ids()
    assert len(ids) > 1000
    assert len(gc.get_referents(ids)) <= 1, "a full pass visits every id of the table"
    assert list(ids[:3]) == [model.id_at(r) for r in range(3)]
    assert model.row_of(ids[-1]) == len(ids) - 1


def test_the_scan_path_is_loaded_before_the_heap_is_set_aside(qtbot, ctx, monkeypatch):
    """The first scan does not wait for biip's GS1 tables, and no full pass walks them."""
    import ui.main_window as main_window

    loaded = []
    real = main_window.load_scan_path
    monkeypatch.setattr(main_window, "load_scan_path", lambda: (real(), loaded.append(Cycle())))
    gc.unfreeze()
    w = open_window(qtbot, ctx)
    assert loaded, "the window did not load the scan path once its first page was filled"
    from biip.gs1_prefixes import _GS1_COMPANY_PREFIX_TRIE as tables

    walked = gc.get_objects()
    assert not any(o is loaded[0] or o is tables for o in walked)
    w.close()
