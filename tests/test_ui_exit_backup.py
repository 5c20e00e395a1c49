"""Quitting the app keeps a backup of the day's work (SQLite), and only when it changed."""

from inventory.backup import list_backups
from inventory.operators import os_operator
from inventory.services import stock
from inventory.storage import open_store
from ui.app import shutdown


def test_exit_backup_only_when_something_changed(demo_url):
    from pathlib import Path

    db = open_store(demo_url)
    first = shutdown(db, demo_url)
    assert first is not None and first.exists()
    db = open_store(demo_url)
    assert shutdown(db, demo_url) is None  # nothing happened since
    db = open_store(demo_url)
    stock.issue(db, os_operator(db), "HDMI cable 2 m", 1, person="E10005")
    second = shutdown(db, demo_url)
    assert second is not None
    assert list_backups(Path(demo_url))[0] == second
