"""The Backups window: back up now, damaged backups shown and not choosable, restore by
an admin only, PostgreSQL explained."""

from __future__ import annotations

import os
from pathlib import Path

from inventory import models as m
from inventory.backup import backup_dir, backup_sqlite
from inventory.operators import OperatorRef
from inventory.storage import open_store
from ui.restore_dialog import RestoreDialog


def test_backup_and_restore_from_the_window(qtbot, db_url, db, admin):
    closed = []
    dlg = RestoreDialog(db_url, admin, close_database=lambda: (db.close(), closed.append(1)),
                        confirm=lambda text: "Replace the database" in text)
    qtbot.addWidget(dlg)
    assert dlg.list.rowCount() == 0
    dlg.backup_now.click()
    assert dlg.list.rowCount() == 1 and dlg.status.text().startswith("Backed up to")
    good = Path(dlg.list.item(0, 0).text())
    m.Setting.create(key="after", value="backup")
    damaged = backup_sqlite(Path(db_url))  # a newer backup, then damaged
    with damaged.open("r+b") as f:
        f.seek(damaged.stat().st_size // 2)
        f.write(os.urandom(8192))
    dlg.refresh()
    assert dlg.list.rowCount() == 2
    assert dlg.list.item(0, 3).text().startswith("DAMAGED")
    assert dlg.selected() is None and not dlg.restore_button.isEnabled()
    dlg.list.selectRow(1)
    assert dlg.selected() == backup_dir(Path(db_url)) / good
    with qtbot.waitSignal(dlg.restored) as restored:
        dlg.restore_button.click()
    assert closed == [1]
    assert "before-restore" in restored.args[0]
    again = open_store(db_url)
    try:
        assert m.Setting.get_or_none(m.Setting.key == "after") is None
    finally:
        again.close()


def test_only_admins_restore(qtbot, db_url, db, admin):
    backup_sqlite(Path(db_url))
    desk = OperatorRef(admin.id, "desk", "Desk", "service_desk")
    dlg = RestoreDialog(db_url, desk, confirm=lambda text: True)
    qtbot.addWidget(dlg)
    assert dlg.selected() is not None
    assert not dlg.restore_button.isEnabled() and not dlg.other.isEnabled()
    assert not dlg.restore(dlg.selected())
    assert "Only an admin" in dlg.note.text()
