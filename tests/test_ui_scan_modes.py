"""Transfer (to the 3PL and back, arrival by shipment number) and the camera pane."""

from __future__ import annotations

import cv2
import numpy as np
from PySide6.QtCore import Qt

from inventory import models as m
from inventory.services.verify import verify
from scanners.synthetic import DISTORTIONS, composite, render_label

from .ui_scan_support import IGNORE_OFFSCREEN, Station, asset, in_stock, movements, spare_at, stock

pytestmark = IGNORE_OFFSCREEN


def test_transfer_to_the_3pl_then_confirm_arrival_by_shipment_number(qtbot, demo_db):
    station = Station(qtbot, demo_db)
    station.key(Qt.Key.Key_4, Qt.KeyboardModifier.AltModifier)
    assert station.page.mode_name == "transfer"
    tag_a, tag_b = in_stock(2)
    spare = spare_at(at_least=4)
    on_hand = stock(spare.id, "LOC-HQ-SR")
    assert station.type("LOC-HQ-SR").accepted and "From HQ stockroom" in station.shown
    assert station.type("LOC-3PL-NW").accepted
    mode = station.page.modes["transfer"]
    assert "Travels as a shipment" in mode.note.text()
    station.type(tag_a)
    station.type(tag_b)
    station.scan("CMD:QTY:2")
    station.type(spare.gtin)
    station.key(Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # not the spare after all
    station.type(tag_a)
    assert "already in this transfer" in station.shown
    station.key(Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert station.state == "ok" and "in transit" in station.shown, station.shown
    number = station.shown.split("Shipment ")[1].split(":")[0]
    assert {asset(t).status for t in (tag_a, tag_b)} == {"in_transit"}
    assert stock(spare.id, "LOC-HQ-SR") == on_hand
    assert station.do("confirm").state == "refused"  # nothing left to send

    before = movements()
    assert station.type(number).accepted
    assert f"{number} · arrived at Northwind Logistics (3PL)" in station.shown
    assert movements() == before + 2
    assert {(asset(t).status, asset(t).location.code) for t in (tag_a, tag_b)} == {
        ("in_stock", "LOC-3PL-NW")}
    assert station.type(number).state == "refused" and "already" in station.shown

    # Within the site: moved at once, and the last line can be undone.
    station.scan("LOC-HQ-SR")
    station.scan("LOC-HQ-A3")
    assert "Within one site" in mode.note.text()
    station.scan("CMD:QTY:2")
    station.scan(spare.gtin, "ean13")
    station.scan("CMD:DONE")
    assert stock(spare.id, "LOC-HQ-A3") == 2
    station.scan("CMD:UNDO")
    assert stock(spare.id, "LOC-HQ-A3") == 0 and stock(spare.id, "LOC-HQ-SR") == on_hand
    assert verify(demo_db).ok


def test_camera_pane_reads_a_label_into_the_station(qtbot, demo_db, tmp_path):
    station = Station(qtbot, demo_db)
    person = m.Person.select().where(m.Person.active).first()
    station.scan(person.employee_id)
    (tag,) = in_stock(1)
    frame, _ = composite(render_label("code128", tag, 3), DISTORTIONS["clean"],
                         np.random.default_rng(3))
    path = tmp_path / "label.png"
    cv2.imwrite(str(path), frame)
    pane = station.page.camera
    states: list[str] = []
    pane.state_changed.connect(states.append)
    try:
        pane.start(str(path))
        qtbot.waitUntil(lambda: any(o.title.startswith(tag) for o in station.outcomes),
                        timeout=15000)
        qtbot.waitUntil(lambda: not pane.view.pixmap().isNull(), timeout=5000)
        assert pane.state == "on" and "Camera on" in pane.status.text()
    finally:
        station.page.shutdown()  # a still image repeats like a camera on a tripod
    assert states[-1] == "off" and "on" in states
    basket = station.page.modes["checkout"].basket.lines
    assert [(ln.key, ln.source) for ln in basket] == [(tag, "camera")]
    assert pane._scanner is not None
    assert not any(t.isRunning() for t in pane._scanner.threads)


def test_no_camera_is_a_clear_state(qtbot, demo_db):
    station = Station(qtbot, demo_db)
    pane = station.page.camera
    try:
        pane.start(97)  # no such camera
        qtbot.waitUntil(lambda: pane.state.startswith("error"), timeout=10000)
        assert pane.status.text().startswith("No camera:")
        assert pane.view.text() == "No camera"
        assert "Try again" in pane.button.text()
    finally:
        station.page.shutdown()
    assert station.state == "info"  # the station itself is unaffected
    assert station.scan("CMD:COUNT") is not None and station.page.mode_name == "count"


def test_settings_turn_the_sound_off_and_start_the_camera(qtbot, demo_db):
    from types import SimpleNamespace

    settings = SimpleNamespace(sound_enabled=lambda: False, camera_enabled=lambda: True,
                               camera_index=lambda: 97, enabled_symbologies=lambda: ["qr"])
    station = Station(qtbot, demo_db, settings=settings)
    page = station.page
    assert page.chime.enabled is False
    try:
        qtbot.waitUntil(lambda: page.camera.state.startswith("error"), timeout=10000)
        assert page.camera._scanner.formats == {"qr"}
    finally:
        page.shutdown()
    assert page.camera.state == "off"
