"""Restoring a backup, by an admin of the current database.

The current file's own operator list decides, whatever its schema version (it is read
directly, not through a migration). Only when the current file is gone or damaged beyond
reading does the backup's operator list decide (a damaged file can no longer say who its
admins are). A file that is not a Stockroom database is never overwritten.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from ..backup import (
    POSTGRES_HELP,
    RestoreResult,
    check_backup,
    readonly_uri,
    restore_sqlite,
)
from ..db import is_postgres, resolve_url, sqlite_path
from ..errors import PermissionDenied, StorageError
from ..operators import check_password, os_username
from ..roles import require


class Unreadable(Exception):
    """The file cannot say who its admins are (missing or damaged)."""


def _operators(path: Path, live: bool) -> dict[str, tuple[str, str | None]]:
    """Active operators of the SQLite file at `path`: name -> (role, password hash)."""
    if not path.exists():
        raise Unreadable
    uri = f"{path.resolve().as_uri()}?mode=ro" if live else readonly_uri(path)
    try:
        con = sqlite3.connect(uri, uri=True, timeout=5)
    except sqlite3.Error:
        raise Unreadable from None
    try:
        tables = {r[0] for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "operator" not in tables:
            if tables - {"sqlite_sequence"}:
                raise StorageError(f"{path.name} is not a Stockroom database; Stockroom does "
                                   "not overwrite it. Restore into another file "
                                   "(--database NEW_FILE).")
            raise Unreadable  # an empty file: nobody to ask
        rows = con.execute("SELECT username, role, password_hash FROM operator WHERE active")
        return {u: (r, h) for u, r, h in rows}
    except sqlite3.DatabaseError:
        raise Unreadable from None
    finally:
        con.close()


def _require_admin(ops: dict[str, tuple[str, str | None]], where: str,
                   username: str | None, password: str | None) -> None:
    """The identity rules of a session, applied to the operator list of `where`."""
    if not ops:
        return  # a database nobody has used yet
    if username:
        found = ops.get(username)
        if found is None or not check_password(password or "", found[1]):
            raise PermissionDenied(f"Unknown operator or wrong password for {where}. "
                                   "Restore as one of its admins (--user NAME).")
        require(found[0], "admin")
        return
    me = os_username()
    if len(ops) != 1 or me not in ops:
        raise PermissionDenied(f"{where} is shared: restore as one of its admins "
                               "(--user NAME and STOCKROOM_PASSWORD).")
    require(ops[me][0], "admin")


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
    current = sqlite_path(resolved)
    try:
        _require_admin(_operators(current, live=True), "the current database", username,
                       password)
    except Unreadable:
        try:
            ops = _operators(backup, live=False)
        except Unreadable:
            ops = {}
        _require_admin(ops, "the backup", username, password)
    return restore_sqlite(current, backup)
