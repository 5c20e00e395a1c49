"""The command line as a person uses it: exit codes, one-line answers, no tracebacks."""

import os
import subprocess
import sys
from pathlib import Path

import peewee as pw
import pytest

from inventory import models as m
from inventory.storage import open_store

from .finders import asset_tags, employee_ids

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.every_demo_date  # the tests on the demo run at each of DEMO_DATES


def run(*args, db):
    env = {**os.environ, "STOCKROOM_DATABASE": str(db)}
    return subprocess.run([sys.executable, "main.py", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def test_checkout_checkin_verify_on_demo(demo_url):
    (tag,) = asset_tags(demo_url, "in_stock")
    first, second = employee_ids(demo_url, 2)
    r = run("checkout", tag, "--to", first, "--due", "2099-01-31", db=demo_url)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith(f"checked out {tag}") and "due 2099-01-31" in r.stdout
    assert f"({first})" in r.stdout
    again = run("checkout", tag, "--to", second, db=demo_url)
    assert again.returncode == 1
    assert again.stderr.strip().splitlines() == [
        f"error: {tag} is already checked out to "
        + r.stdout.split(" to ", 1)[1].split(", due")[0] + ". Check it in first."]
    r = run("checkin", tag, db=demo_url)
    assert r.returncode == 0 and "in stock" in r.stdout, r.stderr
    r = run("verify", db=demo_url)
    assert r.returncode == 0 and r.stdout.startswith("verify ok"), r.stdout


def test_errors_are_one_line(demo_url):
    in_stock, = asset_tags(demo_url, "in_stock")
    deployed, = asset_tags(demo_url, "deployed")
    (person,) = employee_ids(demo_url)
    for args, text in [
        (("checkout", "NOPE-1", "--to", person), "No asset with tag or serial 'NOPE-1'"),
        (("checkout", in_stock, "--to", "E1"), "No person with employee id 'E1'"),
        (("issue", "No such thing", "--qty", "1", "--to", person), "No product"),
        (("checkin", deployed, "--to", "NOWHERE"), "No location 'NOWHERE'"),
        (("checkin", in_stock), f"{in_stock} is already in stock at .*; nothing to check in"),
    ]:
        r = run(*args, db=demo_url)
        assert r.returncode != 0
        lines = r.stderr.strip().splitlines()
        assert len(lines) == 1 and "Traceback" not in r.stderr, r.stderr
        import re
        assert re.search(text, lines[0]), lines[0]


def test_demo_refuses_a_database_with_data_and_backup_works(demo_url, tmp_path):
    r = run("demo", db=demo_url)
    assert r.returncode == 1 and "already has data" in r.stderr
    out = tmp_path / "copy.sqlite"
    r = run("backup", "-o", str(out), db=demo_url)
    assert r.returncode == 0 and out.exists()
    r = run("verify", db=out)
    assert r.returncode == 0


def test_demo_is_built_for_the_day_given_and_the_app_runs_on_the_pinned_day(tmp_path):
    url = tmp_path / "leap.sqlite"
    r = run("demo", "--today", "2028-02-29", db=url)
    assert r.returncode == 0, r.stderr
    assert "history up to 2028-02-29" in r.stdout
    db = open_store(str(url))
    try:
        last = m.Movement.select(pw.fn.MAX(m.Movement.at)).scalar()
        first = m.Movement.select(pw.fn.MIN(m.Movement.at)).scalar()
    finally:
        db.close()
    assert str(last)[:10] <= "2028-02-29" and str(first)[:10] <= "2026-03-01"
    # the app writes on the pinned day: a check-out made now is dated 2028-02-29
    (tag,), (person,) = asset_tags(str(url), "in_stock"), employee_ids(str(url))
    r = subprocess.run([sys.executable, "main.py", "checkout", tag, "--to", person], cwd=ROOT,
                       env={**os.environ, "STOCKROOM_DATABASE": str(url),
                            "STOCKROOM_TODAY": "2028-02-29"}, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    db = open_store(str(url))
    try:
        newest = m.Movement.select().order_by(m.Movement.id.desc()).first()
        assert (newest.kind, newest.at.date().isoformat()) == ("check_out", "2028-02-29")
    finally:
        db.close()


def test_a_wrong_pinned_day_is_refused_in_one_line(tmp_path):
    env = {**os.environ, "STOCKROOM_DATABASE": str(tmp_path / "x.sqlite"),
           "STOCKROOM_TODAY": "2028-02-30"}
    r = subprocess.run([sys.executable, "main.py", "verify"], cwd=ROOT, env=env,
                       capture_output=True, text=True)
    assert r.returncode == 2
    assert r.stderr.strip().splitlines() == [
        "error: STOCKROOM_TODAY='2028-02-30' is not a date: write it as YYYY-MM-DD, or unset "
        "it to use the real date."]
    assert not (tmp_path / "x.sqlite").exists(), "nothing was opened"


def test_every_command_has_help():
    r = subprocess.run([sys.executable, "main.py", "--help"], cwd=ROOT, capture_output=True,
                       text=True)
    assert r.returncode == 0
    for name in ("demo", "verify", "checkout", "checkin", "issue", "backup"):
        assert name in r.stdout
        sub = subprocess.run([sys.executable, "main.py", name, "--help"], cwd=ROOT,
                             capture_output=True, text=True)
        assert sub.returncode == 0 and "usage:" in sub.stdout


def test_output_into_a_closed_pipe_is_not_an_error(demo_url):
    env = {**os.environ, "STOCKROOM_DATABASE": str(demo_url)}
    read_end, write_end = os.pipe()
    os.close(read_end)  # like `| head` that has already gone
    try:
        r = subprocess.run([sys.executable, "main.py", "verify"], cwd=ROOT, env=env,
                           stdout=write_end, stderr=subprocess.PIPE, text=True, timeout=120)
    finally:
        os.close(write_end)
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr and "Exception ignored" not in r.stderr


def test_verify_reports_broken_rules_on_a_real_database(demo_url):
    db = open_store(demo_url)
    try:
        S = m.LicenseSeat  # a license that allows over-use: the duplicate is the one problem
        seat = (S.select().join(m.Person).switch(S).join(m.License)
                .where(S.released_at.is_null() & m.Person.active & m.License.allow_overuse)
                .first())
        m.LicenseSeat.create(license=seat.license_id, person=seat.person_id)  # a second one
        who = f"{seat.person.name} ({seat.person.employee_id})"
        product = seat.license.product.name
    finally:
        db.close()
    r = run("verify", db=demo_url)
    assert r.returncode == 2, r.stdout
    lines = r.stdout.strip().splitlines()
    assert f"duplicate seat: {who} holds 2 open seats of {product}; release all but one" \
        in lines
    assert lines[-1].startswith("verify DIFFERENCES FOUND") and "1 rule problems" in lines[-1]
