"""Who is working, and managing who may work.

Trust: on a personal SQLite file with exactly one operator, the OS account (read from the
operating system, never from environment variables) is that operator, without a password.
Anything shared — PostgreSQL always, SQLite once a second operator exists — signs in with
a name and a password (scrypt, N = 2^17; older, cheaper hashes are upgraded at sign-in).
A PostgreSQL database set up for a team (`admin setup`, `inventory/pgroles.py`) keeps no
password: each operator is a database login of their own, and signing in is connecting.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
import sys
from dataclasses import dataclass
from typing import Any

import peewee as pw

from . import models as m
from .db import Handle, is_postgres, unwrap
from .errors import Duplicate, InvalidState, NotFound, PermissionDenied, ValidationError
from .roles import ROLE_LABELS, require
from .store import Store

# scrypt parameters: N = 2^17, r = 8, p = 1 (OWASP password storage, 2023): 128 MiB.
_N, _R, _P = 2**17, 8, 1
_MAXMEM = 256 * 1024 * 1024
MIN_PASSWORD = 8
_USERNAME = re.compile(r"[^\s\x00-\x1f\x7f]{1,64}")


@dataclass(frozen=True)
class OperatorRef:
    id: int
    username: str
    name: str
    role: str

    @property
    def label(self) -> str:
        return f"{self.name or self.username} ({ROLE_LABELS.get(self.role, self.role)})"


def _ref(op: m.Operator) -> OperatorRef:
    return OperatorRef(op.id, op.username, op.name, op.role)


# -- the OS account ----------------------------------------------------------------------

def os_username() -> str:
    """The signed-in OS account, from the operating system itself.

    POSIX: the password database entry of the real user id. Windows: GetUserNameW. Never
    LOGNAME / USER / USERNAME, which anyone can set (getpass.getuser() reads them first).
    """
    if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
        import ctypes

        size = ctypes.c_ulong(257)
        buf = ctypes.create_unicode_buffer(size.value)
        if not ctypes.windll.advapi32.GetUserNameW(buf, ctypes.byref(size)):
            raise PermissionDenied("Cannot tell which Windows account is signed in. Sign in "
                                   "with an operator name and password.")
        return buf.value
    import pwd

    try:
        return pwd.getpwuid(os.getuid()).pw_name
    except KeyError:
        return f"uid{os.getuid()}"  # an account without a name (containers)


# -- passwords ---------------------------------------------------------------------------

def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=_N, r=_R, p=_P, maxmem=_MAXMEM)
    return f"scrypt${_N}${_R}${_P}${salt.hex()}${digest.hex()}"


def check_password(password: str, stored: str | None) -> bool:
    if not stored:
        return False
    try:
        _, n, r, p, salt, digest = stored.split("$")
        got = hashlib.scrypt(password.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r),
                             p=int(p), maxmem=_MAXMEM)
    except (ValueError, MemoryError):
        return False  # a damaged or hostile hash never signs anyone in
    return hmac.compare_digest(got.hex(), digest)


def needs_upgrade(stored: str | None) -> bool:
    """A hash made with a lower cost than today's (upgraded at the next sign-in)."""
    try:
        _, n, r, p, *_ = (stored or "").split("$")
        return (int(n), int(r), int(p)) < (_N, _R, _P)
    except ValueError:
        return False


def check_new_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise ValidationError(f"A password needs at least {MIN_PASSWORD} characters.",
                              field="password")
    if len(password) > 1024:
        raise ValidationError("A password can have at most 1024 characters.",
                              field="password")


def check_username(username: str) -> str:
    name = (username or "").strip()
    if not _USERNAME.fullmatch(name):
        raise ValidationError("An operator name needs 1 to 64 characters, without spaces or "
                              "control characters (e.g. 'sam' or 'sam.lee').",
                              field="username")
    return name


# -- who is working ----------------------------------------------------------------------

def _active() -> Any:  # a peewee select of active operators
    return m.Operator.select().where(m.Operator.active)


def needs_sign_in(db: Handle) -> bool:
    """PostgreSQL always; a SQLite file once it has more than one active operator, or its
    one operator is not this OS account."""
    db = unwrap(db)
    if is_postgres(db):
        return True
    ops = list(_active().limit(2))
    if not ops:
        return False
    return len(ops) > 1 or ops[0].username != os_username()


def os_operator(db: Handle) -> OperatorRef:
    """The OS account as operator; the first one on a new database becomes its admin.

    For the password-less session (`current_operator` decides when that is allowed) and
    for programs that set up a database they own (the demo, tests, benchmarks).
    """
    db = unwrap(db)
    username = os_username()
    with db.atomic():
        op = m.Operator.get_or_none(m.Operator.username == username)
        if op is None:
            if m.Operator.select().count() > 0:
                raise PermissionDenied(
                    f"'{username}' is not an operator of this database. "
                    "Sign in as an operator, or ask an admin to add you."
                )
            op = m.Operator.create(username=username, name=username, role="admin")
        elif not op.active:
            raise PermissionDenied(f"Operator '{username}' is disabled. Ask an admin.")
    return _ref(op)


def _team(db: pw.Database) -> bool:
    from . import pgroles

    return pgroles.is_team(db)


def login_operator(db: pw.Database) -> OperatorRef:
    """Team mode: the operator is the database login of this session (the server checked
    its password); the role is the group the database grants it."""
    from . import pgroles

    login = pgroles.session_login(db)
    op = m.Operator.get_or_none((m.Operator.username == login) & m.Operator.active)
    if op is None:
        raise PermissionDenied(f"The database login '{login}' is not an operator of this "
                               "database. Sign in with your own operator name.")
    role = pgroles.login_role(db, login) or "viewer"
    return OperatorRef(op.id, op.username, op.name, role)


def _sign_in_as_login(db: pw.Database, username: str, password: str) -> OperatorRef:
    """Reconnect with the operator's own database login (SCRAM-SHA-256 on the server)."""
    from .dberrors import driver_errors

    real = unwrap(db)
    params = dict(real.connect_params, user=username, password=password)
    real.close()
    real.init(real.database, **params)
    try:
        real.connect()
    except driver_errors() as exc:
        raise PermissionDenied("Unknown operator or wrong password. Check both and try "
                               "again.") from exc
    return login_operator(real)


def sign_in_to_server(url: str, username: str, password: str) -> tuple[Store, OperatorRef]:
    """Team mode, before any connection: open the database as the operator's own login
    (the handle's label is `url`'s, without the password)."""
    from .dburl import with_login
    from .errors import StorageError
    from .storage import open_store

    try:
        db = open_store(with_login(url, username, password))
    except StorageError as exc:
        if "user name or password" in str(exc):
            raise PermissionDenied("Unknown operator or wrong password. Check both and try "
                                   "again.") from exc
        raise
    if not _team(db):
        return Store(db, url), sign_in(db, username, password)
    return Store(db, url), login_operator(db)


def sign_in(db: Handle, username: str, password: str) -> OperatorRef:
    db = unwrap(db)
    if _team(db):
        return _sign_in_as_login(db, (username or "").strip(), password or "")
    op = m.Operator.get_or_none((m.Operator.username == (username or "").strip())
                                & m.Operator.active)
    if op is None or not check_password(password or "", op.password_hash):
        raise PermissionDenied("Unknown operator or wrong password. Check both and try again.")
    if needs_upgrade(op.password_hash):
        with db.atomic():
            m.Operator.update(password_hash=hash_password(password)).where(
                m.Operator.id == op.id).execute()
    return _ref(op)


def current_operator(db: pw.Database, username: str | None = None,
                     password: str | None = None) -> OperatorRef:
    """The operator for this session: signed in whenever the database needs it."""
    if username:
        return sign_in(db, username, password or "")
    if _team(db):
        return login_operator(db)  # the URL (or ~/.pgpass) already signed this login in
    if not needs_sign_in(db):
        return os_operator(db)
    if is_postgres(db) and not _active().exists():
        raise PermissionDenied(
            "This PostgreSQL database has no operators yet. Create its first admin with "
            "`operator add NAME --role admin` (password in $STOCKROOM_NEW_PASSWORD), or "
            "open it in the window.")
    raise PermissionDenied(
        "This database is shared: sign in with your operator name and password "
        "(command line: --user NAME and STOCKROOM_PASSWORD)."
    )


# -- managing operators (admin) ----------------------------------------------------------

def _unprotected(exclude: int | None = None) -> list[str]:
    """Active operators without a password (only the founding admin can be one)."""
    q = _active().where(m.Operator.password_hash.is_null())
    return [o.username for o in q if o.id != exclude]


def first_admin(db: Handle, username: str, password: str, name: str = "") -> OperatorRef:
    """The founding admin of a database that has no operator yet (PostgreSQL's first
    sign-in, where the OS account is never trusted): trust comes from the database login."""
    db = unwrap(db)
    username = check_username(username)
    check_new_password(password)
    with db.atomic():
        if m.Operator.select().exists():
            raise PermissionDenied("This database already has operators: sign in as its "
                                   "admin to add more.")
        op = m.Operator.create(username=username, name=name or username, role="admin",
                               password_hash=hash_password(password))
    return _ref(op)


def add_operator(db: pw.Database, by: OperatorRef, username: str, role: str,
                 password: str, name: str = "") -> OperatorRef:
    require(by.role, "admin")
    username = check_username(username)
    if role not in ROLE_LABELS:
        raise ValidationError(f"Unknown role '{role}'. Use one of: {', '.join(ROLE_LABELS)}.",
                              field="role")
    check_new_password(password)
    team = _team(db)
    with db.atomic():
        bare = [] if team else _unprotected()
        if bare:
            # Once there are two, everyone signs in: the founding admin could not.
            raise InvalidState(
                f"Set a password for {', '.join(bare)} first (File > Change my password, "
                f"or `operator passwd {bare[0]}`): with a second operator everyone signs in.")
        if m.Operator.get_or_none(m.Operator.username == username):
            raise Duplicate(f"Operator '{username}' already exists. Pick another name.",
                            field="username")
        if team:  # their own database login, in the group of their role
            from . import pgroles

            pgroles.add_login(db, username, password, role)
            op = m.Operator.create(username=username, name=name or username, role=role)
        else:
            op = m.Operator.create(username=username, name=name or username, role=role,
                                   password_hash=hash_password(password))
    return _ref(op)


def _get(username: str) -> m.Operator:
    op = m.Operator.get_or_none(m.Operator.username == (username or "").strip())
    if op is None:
        raise NotFound(f"No operator '{username}'. `operator list` shows them.")
    return op


def set_password(db: pw.Database, by: OperatorRef, username: str, password: str) -> None:
    """Your own password, or anyone's by an admin."""
    if by.username != username:
        require(by.role, "admin")
    check_new_password(password)
    with db.atomic():
        op = _get(username)
        if _team(db):
            from . import pgroles

            pgroles.set_login(db, username, password, can_login=op.active)
            return
        m.Operator.update(password_hash=hash_password(password)).where(
            m.Operator.id == op.id).execute()


def _other_admins(op: m.Operator) -> int:
    return _active().where((m.Operator.role == "admin") & (m.Operator.id != op.id)).count()


def disable_operator(db: pw.Database, by: OperatorRef, username: str) -> OperatorRef:
    """Stop an operator signing in (their history stays theirs)."""
    require(by.role, "admin")
    with db.atomic():
        op = _get(username)
        if op.role == "admin" and op.active and _other_admins(op) == 0:
            raise InvalidState(f"{op.username} is the last admin; make another operator "
                               "admin first.")
        m.Operator.update(active=False).where(m.Operator.id == op.id).execute()
        if _team(db):
            from . import pgroles

            pgroles.set_login(db, username, None, can_login=False)
        return _ref(m.Operator.get_by_id(op.id))


def enable_operator(db: pw.Database, by: OperatorRef, username: str) -> OperatorRef:
    """Let a disabled operator sign in again (with the password they had)."""
    require(by.role, "admin")
    with db.atomic():
        op = _get(username)
        m.Operator.update(active=True).where(m.Operator.id == op.id).execute()
        return _ref(m.Operator.get_by_id(op.id))


def set_role(db: pw.Database, by: OperatorRef, username: str, role: str) -> OperatorRef:
    require(by.role, "admin")
    if role not in ROLE_LABELS:
        raise ValidationError(f"Unknown role '{role}'. Use one of: {', '.join(ROLE_LABELS)}.",
                              field="role")
    with db.atomic():
        op = _get(username)
        if op.role == "admin" and role != "admin" and _other_admins(op) == 0:
            raise InvalidState(f"{op.username} is the last admin; make another operator "
                               "admin first.")
        m.Operator.update(role=role).where(m.Operator.id == op.id).execute()
        if _team(db):
            from . import pgroles

            pgroles.set_group(db, username, role)
        return _ref(m.Operator.get_by_id(op.id))


def list_operators() -> list[OperatorRef]:
    return [_ref(o) for o in m.Operator.select().order_by(m.Operator.username)]


def has_operators() -> bool:
    return m.Operator.select().exists()


def is_active(username: str) -> bool:
    return _active().where(m.Operator.username == username).exists()
