"""Devices search: the indexed path (trigram index over tags and serials, id lists
through indexes) finds exactly what the plain scan of every asset finds."""

from __future__ import annotations

import pytest

from inventory import models as m
from inventory.queries import devices
from inventory.queries.common import Spec

TERMS = [
    "lat", "LAT", "latitude", "it-0", "IT-00012", "a", "x", "hq", "zz", "no-such-thing",
    "garcia lat", "lat garcia", "dell 5540", "monitor", "smith", "100", "e1", "_", "%",
    "it_0", "IT%", "\\", '"', "lat lat",
]


def scan_ids(spec: Spec, monkeypatch) -> list[int]:
    with monkeypatch.context() as mp:
        mp.setattr(devices, "_text_ids", lambda term: None)  # every word by the scan
        return devices.DeviceTable().ids(spec)


def sample_terms() -> list[str]:
    a = m.Asset.select().where(m.Asset.holder.is_null(False)).order_by(m.Asset.id).first()
    holder = m.Person.get_by_id(a.holder_id)
    return TERMS + [a.tag, a.tag.lower(), a.serial[2:7].lower(), a.serial[-3:],
                    holder.name.split()[-1], f"{holder.name.split()[0]} {a.tag[-4:]}",
                    holder.employee_id]


@pytest.mark.parametrize("sort", ["tag", "holder", "model"])
def test_indexed_search_matches_the_scan(demo_db, monkeypatch, sort):
    assert devices.has_text_index(demo_db)
    for text in sample_terms():
        spec = Spec(search=text, sort=sort)
        assert devices.DeviceTable().ids(spec) == scan_ids(spec, monkeypatch), text


def test_small_lists_and_scanned_words_combine(demo_db, monkeypatch):
    # A tiny limit sends most words to the scan and keeps rare ones as lists.
    monkeypatch.setattr(devices, "LISTED_MAX", 20)
    for text in sample_terms():
        spec = Spec(search=text, filters={"status": "active"})
        assert devices.DeviceTable().ids(spec) == scan_ids(spec, monkeypatch), text


def test_index_follows_new_renamed_and_deleted_assets(demo_db):
    table = devices.DeviceTable()
    a = m.Asset.select().order_by(m.Asset.id).first()
    m.Asset.update(tag="ZQX-RENAMED-1", serial="SER-qwv-77").where(m.Asset.id == a.id).execute()
    assert table.ids(Spec(search="zqx-renamed")) == [a.id]
    assert table.ids(Spec(search="QWV-77")) == [a.id]
    assert a.id not in table.ids(Spec(search=a.tag))
    m.Asset.update(status="in_repair").where(m.Asset.id == a.id).execute()  # no text change
    assert table.ids(Spec(search="zqx-renamed")) == [a.id]
    copy = m.Asset.create(tag="ZQX-NEW-2", serial=None, product=a.product_id)
    assert table.ids(Spec(search="zqx")) == sorted([a.id, copy.id],
                                                   key=lambda i: m.Asset.get_by_id(i).tag)
    m.Asset.delete().where(m.Asset.id == copy.id).execute()
    assert table.ids(Spec(search="ZQX-NEW")) == []
    # FTS5 compares its index with the asset table and raises if they differ.
    demo_db.execute_sql("INSERT INTO asset_text(asset_text, rank) VALUES ('integrity-check', 1)")
