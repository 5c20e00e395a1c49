"""The station never waits for the database on the UI thread: scans queue behind a write
in flight and are applied in the order they were made, each answer about its own scan."""

from __future__ import annotations

import threading
from datetime import datetime

import pytest

import ui.operations
from inventory import models as m
from inventory.services.verify import verify
from scanners.scan import Scan

from .ui_scan_support import IGNORE_OFFSCREEN, Station, asset, in_stock, movements

pytestmark = IGNORE_OFFSCREEN


@pytest.fixture
def station(qtbot, demo_db):
    return Station(qtbot, demo_db)


@pytest.fixture
def write_threads(monkeypatch) -> list[int]:
    """The thread of every write the operation runner carries out."""
    seen: list[int] = []
    real = ui.operations.execute_all

    def execute_all(*args, **kwargs):
        seen.append(threading.get_ident())
        return real(*args, **kwargs)

    monkeypatch.setattr(ui.operations, "execute_all", execute_all)
    return seen


def burst(station: Station, *codes: str) -> None:
    """Scans arriving back to back, none waiting for the one before to be answered."""
    for code in codes:
        assert station.page.handle_scan(Scan(code, "code128", "usb", datetime.now()))


def deployed(n: int) -> list[m.Asset]:
    return list(m.Asset.select().where(m.Asset.status == "deployed")
                .order_by(m.Asset.id).limit(n))


def test_check_ins_scanned_back_to_back_are_applied_in_order_on_the_worker(
        station, write_threads):
    station.mode("checkin")
    devices = deployed(3)
    tags = [a.tag for a in devices]
    before, answers = movements(), len(station.outcomes)
    burst(station, *tags)
    # Nothing was written on the UI thread: the first write is out, the others wait.
    assert station.page.jobs.waiting() == 3
    assert movements() == before
    station.wait()
    assert [o.title.split(" · ")[0] for o in station.outcomes[answers:]] == tags
    assert all(o.accepted and o.title.endswith("checked in")
               for o in station.outcomes[answers:])
    for a in devices:
        assert f"returned by {a.holder.name}" in next(
            o.detail for o in station.outcomes if o.title.startswith(a.tag))
    assert [ln.key for ln in station.page.modes["checkin"].basket.lines] == tags
    assert {asset(t).status for t in tags} == {"in_stock"}
    assert movements() == before + 3
    assert write_threads and threading.get_ident() not in write_threads

    # Undo scanned straight after a check-in takes back that one, not an earlier one.
    another = deployed(1)[0]
    burst(station, another.tag, "CMD:UNDO")
    station.wait()
    assert station.outcomes[-1].title == f"Undone: {another.tag} · {another.product.name}"
    assert asset(another.tag).status == "deployed"
    assert {asset(t).status for t in tags} == {"in_stock"}
    assert verify(station.db).ok


def test_baskets_scanned_ahead_go_to_the_right_people(station):
    """Badge, devices, DONE, next badge, devices, DONE, all scanned before the first
    basket's transaction is back: each basket is its own transaction, to its person."""
    first, second = (m.Person.select().where(m.Person.active).order_by(m.Person.id)
                     .limit(2))
    a, b, c = in_stock(3)
    burst(station, first.employee_id, a, b, "CMD:DONE", second.employee_id, c, "CMD:DONE")
    station.wait()
    assert (asset(a).holder_id, asset(b).holder_id, asset(c).holder_id) == (
        first.id, first.id, second.id)
    done = [o.title for o in station.outcomes if o.title.startswith("Checked out")]
    assert done == [f"Checked out 2 items to {first.name} ({first.employee_id})",
                    f"Checked out 1 item to {second.name} ({second.employee_id})"]
    lines = station.page.modes["checkout"].basket.lines
    assert [(ln.key, ln.status) for ln in lines] == [(c, "done")]
    assert len(station.notices) == 2  # one change notice per basket


def test_the_condition_set_while_a_write_is_out_is_for_the_next_device(station):
    station.mode("checkin")
    mode = station.page.modes["checkin"]
    good, bad = (a.tag for a in deployed(2))
    burst(station, good)
    mode.damaged.setChecked(True)  # the person marks the next device while the first saves
    burst(station, bad)
    station.wait()
    assert asset(good).status == "in_stock"
    assert asset(bad).status == "in_repair"
    assert mode.good.isChecked()
