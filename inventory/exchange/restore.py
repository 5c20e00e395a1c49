"""Restoring a backup, by an admin: of the current database when it still opens, else of
the backup being restored (a damaged file can no longer say who its admins are)."""

from __future__ import annotations

import getpass
import sqlite3
from pathlib import Path

import peewee as pw

from ..backup import (
    POSTGRES_HELP,
    RestoreResult,
    check_backup,
    readonly_uri,
    restore_sqlite,
)
from ..db import is_postgres, resolve_url, sqlite_path
from ..errors import InventoryError, PermissionDenied, StorageError
from ..operators import check_password, current_operator
from ..roles import require
from ..storage import open_store


def _admin_in_current(url: str, username: str | None, password: str | None) -> bool:
    """True when the current database names the operator an admin; False when it is
    damaged or missing (then the backup decides); PermissionDenied when not an admin."""
    path = sqlite_path(url)
    if not path.exists():
        return False
    try:
        db = open_store(url)
    except (InventoryError, pw.DatabaseError, sqlite3.DatabaseError):
        return False
    try:
        op = current_operator(db, username, password)
        require(op.role, "admin")
    except (pw.DatabaseError, sqlite3.DatabaseError):
        return False
    finally:
        db.close()
    return True


def _admin_in_backup(backup: Path, username: str | None, password: str | None) -> None:
    con = sqlite3.connect(readonly_uri(backup), uri=True)
    try:
        ops = con.execute("SELECT username, role, password_hash FROM operator WHERE active")
        ops = {u: (r, h) for u, r, h in ops}
    finally:
        con.close()
    name = username or getpass.getuser()
    if not ops:
        return  # an empty database: nobody to ask
    if name not in ops:
        raise PermissionDenied(f"'{name}' is not an operator of the backup. Restore as one of "
                               "its admins (--user NAME).")
    role, stored = ops[name]
    shared = len(ops) > 1 or username is not None
    if shared and not check_password(password or "", stored):
        raise PermissionDenied("Wrong password for the backup's operator. Check both and try "
                               "again.")
    require(role, "admin")


def restore(url: str | None, backup: str | Path, *, username: str | None = None,
            password: str | None = None) -> RestoreResult:
    """Check the backup, check the operator is an admin, then swap the files.

    The database must not be open in this process or any other; reopen it afterwards.
    """
    resolved = resolve_url(url)
    if is_postgres(resolved):
        raise StorageError(POSTGRES_HELP)
    backup = Path(backup)
    check_backup(backup)
    if not _admin_in_current(resolved, username, password):
        _admin_in_backup(backup, username, password)
    return restore_sqlite(sqlite_path(resolved), backup)
