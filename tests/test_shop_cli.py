"""The shop from the command line: catalog, request, kit, booking, joiner, leaver; one
line per item, one-line refusals that change nothing."""

from __future__ import annotations

import pytest

from inventory import clock
from inventory import models as m
from inventory.storage import open_store

from .hostile import one_line_refusal, run_cli
from .shop_world import build_shop


@pytest.fixture
def shop_url(tmp_path):
    url = str(tmp_path / "shop.sqlite")
    db = open_store(url)
    build_shop(db)
    db.close()
    return url


def cli(url, *args):
    return run_cli(*args, url=url, env={"STOCKROOM_TODAY": clock.today().isoformat()})


def test_a_request_from_new_to_fulfilled_on_the_command_line(shop_url):
    r = cli(shop_url, "catalog", "list")
    assert r.returncode == 0 and "KIT-LAPTOP\tStandard laptop bundle\tkit\tfor IT, " \
                                 "Engineering, 1,900.00" in r.stdout, r.stdout
    assert "1 × ThinkPad T14 or Latitude 7440" in r.stdout
    r = cli(shop_url, "request", "new", "E3", "KIT-LAPTOP", "--needed-by", "2026-12-15")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("REQ-000001 Standard laptop bundle for Aisha Park (E3): "
                               "requested, needed by 2026-12-15"), r.stdout
    r = cli(shop_url, "request", "approve", "REQ-000001")
    assert r.returncode == 0 and ": reserved" in r.stdout, r.stderr
    r = cli(shop_url, "request", "show", "1")
    lines = r.stdout.splitlines()
    assert [ln.split(": ", 1)[1] for ln in lines[1:]] == [
        "— → requested", "requested → approved", "approved → reserved"]
    r = cli(shop_url, "request", "fulfil", "REQ-000001")
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == ("issued Standard laptop bundle to Aisha Park (E3) (REQ-000001 "
                                "fulfilled): IT-000004, 1 × USB-C dock, 1 × Headset, "
                                "Microsoft 365 E3 seat")
    r = cli(shop_url, "request", "list", "--state", "fulfilled")
    assert r.stdout.startswith("REQ-000001\tfulfilled"), r.stdout


def test_refusals_are_one_line_and_change_nothing(shop_url):
    one_line_refusal(cli(shop_url, "request", "new", "E2", "KIT-LAPTOP"),
                     "may be requested for IT, Engineering only")
    one_line_refusal(cli(shop_url, "request", "new", "NOBODY", "KIT-LAPTOP"),
                     "No person with employee id 'NOBODY'")
    one_line_refusal(cli(shop_url, "kit", "E3", "KIT-LAPTOP", "--tag", "IT-000001",
                         "--spare", "CHG65:1"), "not part of Standard laptop bundle")
    one_line_refusal(cli(shop_url, "request", "approve", "REQ-000099"), "No request")
    db = open_store(shop_url)
    assert m.Request.select().count() == 0 and m.Movement.select().where(
        m.Movement.kind == "check_out").count() == 0
    db.close()


def test_bookings_and_the_month_view_on_the_command_line(shop_url):
    assert cli(shop_url, "booking", "pool", "IT-000001").returncode == 0
    r = cli(shop_url, "booking", "new", "E1", "--asset", "IT-000001", "--from", "2026-12-03",
            "--until", "2026-12-05")
    assert r.returncode == 0 and r.stdout.startswith("booked: BK-000001 IT-000001"), r.stderr
    one_line_refusal(cli(shop_url, "booking", "new", "E2", "--asset", "IT-000001", "--from",
                         "2026-12-04", "--until", "2026-12-09"),
                     "already booked by Ada Lovelace (E1) from 2026-12-03 to 2026-12-05")
    one_line_refusal(cli(shop_url, "checkout", "IT-000001", "--to", "E2", "--due",
                         "2026-12-04"), "free until 2026-12-02")
    r = cli(shop_url, "booking", "month", "IT-000001", "--month", "2026-12-01")
    assert r.returncode == 0 and "December 2026" in r.stdout
    assert "booking BK-000001 Ada Lovelace: 3–5" in r.stdout, r.stdout


def test_joiners_and_leavers_on_the_command_line(shop_url):
    r = cli(shop_url, "joiner", "add", "E3", "--starts", "2026-12-08", "--kit", "KIT-LAPTOP",
            "--role", "Developer")
    assert r.returncode == 0, r.stderr
    r = cli(shop_url, "joiner", "run", "--days", "3")
    assert r.stdout.strip() == "0 joiner requests made"
    r = cli(shop_url, "joiner", "lead-days", "--days", "5")
    assert r.stdout.strip() == "joiners' kits are now requested 5 days before the start"
    assert cli(shop_url, "joiner", "run").stdout.strip() == "0 joiner requests made"
    one_line_refusal(cli(shop_url, "joiner", "lead-days", "--days", "9999"),
                     "must be between 0 and 730")
    cli(shop_url, "joiner", "lead-days", "--days", "10")
    r = cli(shop_url, "joiner", "run")  # 10 days ahead
    assert "REQ-000001 Standard laptop bundle for Aisha Park (E3): requested, needed by " \
           "2026-12-08" in r.stdout and "1 joiner request made" in r.stdout
    assert cli(shop_url, "checkout", "IT-000002", "--to", "E1").returncode == 0
    r = cli(shop_url, "leaver", "E1", "--leaves-on", "2026-12-20")
    assert r.returncode == 0, r.stderr
    assert "Ada Lovelace (E1), leaves on 2026-12-20: 1 item to return" in r.stdout
    assert "  device IT-000002 Latitude 7440" in r.stdout


def test_kit_labels_decode_to_the_kit_code_the_station_takes(shop_url, tmp_path, qapp):
    from scanners.decode import decode_image
    from ui.labels.content import labels_for
    from ui.labels.layouts import DEFAULT_LAYOUT, LAYOUTS
    from ui.labels.render import image_array, page_image

    r = cli(shop_url, "labels", "kits", "-o", str(tmp_path / "kits.pdf"))
    assert r.returncode == 0 and "1 labels (kits" in r.stdout, (r.stdout, r.stderr)
    assert (tmp_path / "kits.pdf").stat().st_size > 1000
    db = open_store(shop_url)
    try:
        kits = labels_for("kits")
    finally:
        db.close()
    assert [(k.code, k.detail) for k in kits] == [("KIT-LAPTOP", "Standard laptop bundle")]
    img = image_array(page_image(LAYOUTS[DEFAULT_LAYOUT], kits, "code128", page=0, dpi=300))
    assert [d.text for d in decode_image(img, {"code128"})] == ["KIT-LAPTOP"]
