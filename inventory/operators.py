"""Who is working: the OS user on a personal database, a sign-in otherwise."""

from __future__ import annotations

import getpass
import hashlib
import hmac
import secrets
from dataclasses import dataclass

import peewee as pw

from . import models as m
from .errors import Duplicate, NotFound, PermissionDenied, ValidationError
from .roles import ROLE_LABELS, require

# scrypt parameters (RFC 7914 interactive-login strength).
_N, _R, _P = 2**14, 8, 1


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


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=_N, r=_R, p=_P)
    return f"scrypt${_N}${_R}${_P}${salt.hex()}${digest.hex()}"


def check_password(password: str, stored: str | None) -> bool:
    if not stored:
        return False
    _, n, r, p, salt, digest = stored.split("$")
    got = hashlib.scrypt(password.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r),
                         p=int(p))
    return hmac.compare_digest(got.hex(), digest)


def needs_sign_in(db: pw.Database) -> bool:
    """A personal SQLite file with at most one operator runs as the OS user; a shared
    PostgreSQL database asks once its first operator (the one who set it up) exists."""
    count = m.Operator.select().where(m.Operator.active).count()
    if isinstance(db, pw.PostgresqlDatabase):
        return count > 0
    return count > 1


def os_operator(db: pw.Database) -> OperatorRef:
    """The signed-in OS user; the first one on a new database becomes its admin."""
    username = getpass.getuser()
    with db.atomic():
        op = m.Operator.get_or_none(m.Operator.username == username)
        if op is None:
            if m.Operator.select().count() > 0:
                raise PermissionDenied(
                    f"'{username}' is not an operator of this database. "
                    "Sign in as an operator, or ask an admin to add you."
                )
            op = m.Operator.create(username=username, name=username, role="admin")
    return _ref(op)


def sign_in(db: pw.Database, username: str, password: str) -> OperatorRef:
    op = m.Operator.get_or_none((m.Operator.username == username) & m.Operator.active)
    if op is None or not check_password(password, op.password_hash):
        raise PermissionDenied("Unknown operator or wrong password. Check both and try again.")
    return _ref(op)


def current_operator(db: pw.Database, username: str | None = None,
                     password: str | None = None) -> OperatorRef:
    """The operator for this session: signed in when the database needs it."""
    if username or needs_sign_in(db):
        if not username:
            # An operator with no password yet (the one who set the database up) is
            # known by the OS login until they set one.
            me = m.Operator.get_or_none((m.Operator.username == getpass.getuser())
                                        & m.Operator.password_hash.is_null() & m.Operator.active)
            if me is not None:
                return _ref(me)
        if not username or password is None:
            raise PermissionDenied(
                "This database is shared: sign in with your operator name and password "
                "(command line: --user NAME and STOCKROOM_PASSWORD)."
            )
        return sign_in(db, username, password)
    return os_operator(db)


def add_operator(db: pw.Database, by: OperatorRef, username: str, role: str,
                 password: str, name: str = "") -> OperatorRef:
    require(by.role, "admin")
    if role not in ROLE_LABELS:
        raise ValidationError(f"Unknown role '{role}'. Use one of: {', '.join(ROLE_LABELS)}.")
    if len(password) < 8:
        raise ValidationError("A password needs at least 8 characters.")
    with db.atomic():
        if m.Operator.get_or_none(m.Operator.username == username):
            raise Duplicate(f"Operator '{username}' already exists. Pick another name.")
        # The OS-user admin needs a password too once sign-in is required.
        op = m.Operator.create(username=username, name=name or username, role=role,
                               password_hash=hash_password(password))
    return _ref(op)


def set_password(db: pw.Database, by: OperatorRef, username: str, password: str) -> None:
    if by.username != username:
        require(by.role, "admin")
    if len(password) < 8:
        raise ValidationError("A password needs at least 8 characters.")
    with db.atomic():
        n = (m.Operator.update(password_hash=hash_password(password))
             .where(m.Operator.username == username).execute())
        if not n:
            raise NotFound(f"No operator '{username}'.")


def list_operators(db: pw.Database) -> list[OperatorRef]:
    return [_ref(o) for o in m.Operator.select().order_by(m.Operator.username)]
