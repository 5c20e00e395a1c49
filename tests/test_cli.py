"""The command line as a person uses it: exit codes, one-line answers, no tracebacks."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(*args, db):
    env = {**os.environ, "STOCKROOM_DATABASE": str(db)}
    return subprocess.run([sys.executable, "main.py", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def test_checkout_checkin_verify_on_demo(demo_url):
    r = run("checkout", "IT-000002", "--to", "E10005", "--due", "2099-01-31", db=demo_url)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("checked out IT-000002") and "due 2099-01-31" in r.stdout
    again = run("checkout", "IT-000002", "--to", "E10006", db=demo_url)
    assert again.returncode == 1
    assert again.stderr.strip().splitlines() == [
        "error: IT-000002 is already checked out to "
        + r.stdout.split(" to ", 1)[1].split(", due")[0] + ". Check it in first."]
    r = run("checkin", "IT-000002", db=demo_url)
    assert r.returncode == 0 and "in stock" in r.stdout
    r = run("verify", db=demo_url)
    assert r.returncode == 0 and r.stdout.startswith("verify ok")


def test_errors_are_one_line(demo_url):
    for args, text in [
        (("checkout", "NOPE-1", "--to", "E10005"), "No asset with tag or serial 'NOPE-1'"),
        (("checkout", "IT-000003", "--to", "E1"), "No person with employee id 'E1'"),
        (("issue", "No such thing", "--qty", "1", "--to", "E10005"), "No product"),
        (("checkin", "IT-000002", "--to", "NOWHERE"), "nothing to check in|No location"),
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
