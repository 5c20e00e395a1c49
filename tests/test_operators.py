import pytest

from inventory import models as m
from inventory.errors import PermissionDenied, ValidationError
from inventory.operators import (
    add_operator,
    check_password,
    current_operator,
    hash_password,
    needs_sign_in,
    os_username,
)


def test_passwords_are_salted_slow_hashes():
    a, b = hash_password("correct horse"), hash_password("correct horse")
    assert a != b and a.startswith("scrypt$") and "correct" not in a
    assert check_password("correct horse", a)
    assert not check_password("wrong horse", a)


def test_personal_database_runs_as_the_os_user(db):
    op = current_operator(db)
    assert (op.username, op.role) == (os_username(), "admin")
    assert not needs_sign_in(db)


def test_second_operator_means_sign_in(db):
    me = current_operator(db)
    from inventory.errors import InvalidState
    from inventory.operators import set_password

    with pytest.raises(InvalidState, match="Set a password"):
        add_operator(db, me, "sam", "service_desk", "s3cret-pass")
    set_password(db, me, me.username, "admin-password")
    with pytest.raises(ValidationError, match="8 characters"):
        add_operator(db, me, "sam", "service_desk", "short")
    add_operator(db, me, "sam", "service_desk", "s3cret-pass")
    assert needs_sign_in(db)
    with pytest.raises(PermissionDenied, match="sign in"):
        current_operator(db)
    with pytest.raises(PermissionDenied, match="wrong password"):
        current_operator(db, "sam", "nope")
    sam = current_operator(db, "sam", "s3cret-pass")
    assert sam.role == "service_desk"
    with pytest.raises(PermissionDenied):
        add_operator(db, sam, "eve", "admin", "whatever-123")
    assert m.Operator.select().count() == 2


@pytest.mark.postgres
def test_postgres_always_asks(pg_server):
    from inventory.operators import first_admin
    from inventory.storage import open_store

    from .conftest import fresh_pg_url

    db = open_store(fresh_pg_url(pg_server))
    assert needs_sign_in(db)
    with pytest.raises(PermissionDenied, match="no operators yet"):
        current_operator(db)
    first = first_admin(db, "founder", "a-long-password")
    assert first.role == "admin"
    with pytest.raises(PermissionDenied, match="shared: sign in"):
        current_operator(db)
    assert current_operator(db, "founder", "a-long-password") == first
    with pytest.raises(PermissionDenied, match="already has operators"):
        first_admin(db, "second", "a-long-password")
    db.close()
