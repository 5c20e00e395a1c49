"""The database itself enforces the role matrix (team mode): each role's own login, connected
with psycopg2 directly, is refused what the matrix forbids; movements carry the login."""

import os
import subprocess
import sys
from pathlib import Path

import psycopg2
import pytest

from inventory import models as m
from inventory.storage import open_store

from .finders import asset_tags, employee_ids
from .team import ADMIN_PASSWORD, login_url, team_database

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.postgres
PASSWORDS = {"viewer": "viewer-pass-1", "service_desk": "desk-pass-12",
             "supply_chain": "supply-pass-1", "manager": "manager-pass-1"}


def cli(*args, url, user, password, env=None):
    env = {**os.environ, "STOCKROOM_DATABASE": url, "STOCKROOM_PASSWORD": password,
           **(env or {})}
    return subprocess.run([sys.executable, "main.py", "--user", user, *args], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def team(demo_templates, team_server, tmp_path_factory):
    """One team database for the module: the demo, set up, one login per role."""
    import shutil

    from .conftest import PINNED_TODAY

    demo = tmp_path_factory.mktemp("team") / "demo.sqlite"
    shutil.copy(demo_templates(PINNED_TODAY), demo)
    url, admin = team_database(str(demo), team_server)
    names = {}
    for role, password in PASSWORDS.items():
        name = f"{role.replace('_', '')}{os.getpid()}"
        r = cli("operator", "add", name, "--role", role, url=url, user=admin,
                password=ADMIN_PASSWORD, env={"STOCKROOM_NEW_PASSWORD": password})
        assert r.returncode == 0, r.stderr
        names[role] = name
    names["admin"] = admin
    return {"url": url, "demo": str(demo), "names": names}


def connect(team, role):
    password = ADMIN_PASSWORD if role == "admin" else PASSWORDS[role]
    return psycopg2.connect(login_url(team["url"], team["names"][role], password))


def refused(con, sql, params=()):
    """True when the server refuses the statement for lack of privilege (rolled back)."""
    try:
        with con.cursor() as cur:
            cur.execute(sql, params)
    except psycopg2.Error as exc:
        con.rollback()
        return exc.pgcode in ("42501",) or "append-only" in str(exc)
    con.rollback()
    return False


def allowed(con, sql, params=()):
    with con.cursor() as cur:
        cur.execute(sql, params)
    con.rollback()
    return True


def ids(team):
    con = psycopg2.connect(team["url"])
    try:
        with con.cursor() as cur:
            cur.execute("SELECT id, username FROM operator")
            ops = {u: i for i, u in cur.fetchall()}
            cur.execute("SELECT MIN(id) FROM product")
            product = cur.fetchone()[0]
            cur.execute("SELECT MIN(id) FROM movement")
            movement = cur.fetchone()[0]
        return ops, product, movement
    finally:
        con.close()


MOVE = ("INSERT INTO movement (at, kind, product_id, quantity, operator_id, reference, "
        "source, note) VALUES (now(), 'adjust', %s, 1, %s, '', 'manual', '')")
NEW_PRODUCT = "INSERT INTO product (name, kind, manufacturer, category, part_number, " \
              "unit_cost, keep_spares, end_of_life, active) VALUES ('X', 'spare', '', '', " \
              "'', 0, false, false, true)"
NEW_OPERATOR = "INSERT INTO operator (username, name, role, active, created_at) VALUES " \
               "('mallory', 'M', 'admin', true, now())"


def test_each_login_signs_in_with_scram_and_only_with_its_password(team, team_server):
    con = psycopg2.connect(team_server.url("postgres"))
    with con.cursor() as cur:
        cur.execute("SELECT rolname, rolpassword FROM pg_authid WHERE rolname = ANY(%s)",
                    (list(team["names"].values()),))
        stored = dict(cur.fetchall())
    con.close()
    assert len(stored) == 5 and all(p.startswith("SCRAM-SHA-256$") for p in stored.values())
    with pytest.raises(psycopg2.OperationalError, match="password authentication failed"):
        psycopg2.connect(login_url(team["url"], team["names"]["viewer"], "wrong-password"))
    connect(team, "viewer").close()
    # the operator table keeps no password any more
    db = open_store(team["url"])
    try:
        assert not m.Operator.select().where(m.Operator.password_hash.is_null(False)).exists()
    finally:
        db.close()


def test_viewer_reads_only(team):
    ops, product, movement = ids(team)
    con = connect(team, "viewer")
    try:
        assert allowed(con, "SELECT COUNT(*) FROM movement")
        assert allowed(con, "SELECT COUNT(*) FROM asset")
        assert refused(con, MOVE, (product, ops[team["names"]["viewer"]]))
        assert refused(con, NEW_PRODUCT)
        assert refused(con, "UPDATE asset SET notes = 'x'")
        assert refused(con, "UPDATE stock_level SET quantity = 0")
    finally:
        con.close()


def test_service_desk_moves_things_but_creates_nothing(team):
    ops, product, movement = ids(team)
    me = ops[team["names"]["service_desk"]]
    con = connect(team, "service_desk")
    try:
        assert allowed(con, MOVE, (product, me))
        assert allowed(con, "UPDATE asset SET status = status WHERE id = (SELECT MIN(id) FROM "
                            "asset)")
        assert refused(con, NEW_PRODUCT)
        assert refused(con, "INSERT INTO person (employee_id, name) VALUES ('E1', 'x')")
        assert refused(con, NEW_OPERATOR)
        # another operator's name on a movement: the database refuses to write as them
        assert refused(con, MOVE, (product, ops[team["names"]["admin"]]))
    finally:
        con.close()


def test_the_database_sets_the_operator_from_the_login(team):
    ops, product, _ = ids(team)
    con = connect(team, "service_desk")
    try:
        with con.cursor() as cur:
            cur.execute(MOVE.replace("%s, 1, %s", "%s, 1, NULL") + " RETURNING operator_id",
                        (product,))
            assert cur.fetchone()[0] == ops[team["names"]["service_desk"]]
        con.rollback()
    finally:
        con.close()


def test_supply_chain_and_manager_get_what_their_role_allows(team):
    ops, product, _ = ids(team)
    supply = connect(team, "supply_chain")
    manager = connect(team, "manager")
    target = ("INSERT INTO service_target (scope, key, service_level, updated_at) VALUES "
              "('abc', 'Z', 0.9, now())")
    try:
        assert allowed(supply, NEW_PRODUCT)
        assert allowed(supply, "INSERT INTO person (employee_id, name, email, department, "
                               "cost_centre, active) VALUES ('E-new', 'x', '', '', '', true)")
        assert refused(supply, target)
        assert refused(supply, NEW_OPERATOR)
        assert allowed(manager, target)
        assert refused(manager, NEW_OPERATOR)
        assert refused(manager, "UPDATE setting SET value = '3'")
    finally:
        supply.close()
        manager.close()


@pytest.mark.parametrize("role", ["viewer", "service_desk", "supply_chain", "manager",
                                  "admin"])
def test_nobody_changes_or_empties_the_ledger(team, role):
    con = connect(team, role)
    try:
        assert refused(con, "UPDATE movement SET quantity = 99 WHERE id = (SELECT MIN(id) "
                            "FROM movement)")
        assert refused(con, "DELETE FROM movement WHERE id = (SELECT MIN(id) FROM movement)")
        assert refused(con, "TRUNCATE movement CASCADE")
        assert refused(con, "CREATE TABLE mine (id int)")  # schema changes are the owner's
        assert refused(con, "ALTER TABLE movement DISABLE TRIGGER movement_operator")
    finally:
        con.close()


def test_only_admins_write_operators_and_manage_logins(team):
    admin = connect(team, "admin")
    manager = connect(team, "manager")
    try:
        assert allowed(admin, NEW_OPERATOR)
        assert refused(manager, "SELECT stockroom_add_login('mallory', 'SCRAM-SHA-256$x', "
                                "'stockroom_admin')")
        assert refused(manager, f"SELECT stockroom_set_group('{team['names']['manager']}', "
                                "'stockroom_admin')")
        assert refused(manager, "ALTER ROLE " + team["names"]["viewer"] + " PASSWORD 'x'")
    finally:
        admin.close()
        manager.close()


def test_the_app_signs_in_with_the_login_and_records_it(team):
    (tag,) = asset_tags(team["url"], "in_stock")
    (person,) = employee_ids(team["url"], 1)
    desk = team["names"]["service_desk"]
    r = cli("checkout", tag, "--to", person, url=team["url"], user=desk,
            password=PASSWORDS["service_desk"])
    assert r.returncode == 0, r.stderr
    db = open_store(team["url"])
    try:
        last = m.Movement.select().order_by(m.Movement.id.desc()).get()
        assert last.operator.username == desk and last.kind == "check_out"
    finally:
        db.close()
    wrong = cli("checkin", tag, url=team["url"], user=desk, password="not-the-password")
    assert wrong.returncode == 1 and "wrong password" in wrong.stderr
    viewer = cli("checkin", tag, url=team["url"], user=team["names"]["viewer"],
                 password=PASSWORDS["viewer"])
    assert viewer.returncode == 1 and "Viewer" in viewer.stderr
    v = cli("verify", url=team["url"], user=team["names"]["admin"], password=ADMIN_PASSWORD)
    assert v.returncode == 0, v.stdout + v.stderr


def test_operator_role_and_disable_change_the_login(team):
    admin = team["names"]["admin"]
    name = f"temp{os.getpid()}"
    r = cli("operator", "add", name, "--role", "viewer", url=team["url"], user=admin,
            password=ADMIN_PASSWORD, env={"STOCKROOM_NEW_PASSWORD": "temp-pass-123"})
    assert r.returncode == 0, r.stderr
    url = login_url(team["url"], name, "temp-pass-123")
    con = psycopg2.connect(url)
    assert refused(con, NEW_PRODUCT)
    con.close()
    r = cli("operator", "role", name, "supply_chain", url=team["url"], user=admin,
            password=ADMIN_PASSWORD)
    assert r.returncode == 0, r.stderr
    con = psycopg2.connect(url)
    assert allowed(con, NEW_PRODUCT)
    con.close()
    r = cli("operator", "disable", name, url=team["url"], user=admin, password=ADMIN_PASSWORD)
    assert r.returncode == 0, r.stderr
    with pytest.raises(psycopg2.OperationalError):
        psycopg2.connect(url)


def test_the_window_signs_in_with_the_operators_own_login(qtbot, team):
    """A desk's URL carries no login: the window's sign-in connects as the operator."""
    from urllib.parse import urlparse

    from inventory.errors import PermissionDenied, StorageError
    from inventory.pgroles import session_login
    from ui.dialogs.sign_in import SignInDialog

    u = urlparse(team["url"])
    bare = f"postgresql://{u.hostname}:{u.port}{u.path}"
    with pytest.raises(StorageError, match="user name or password"):
        open_store(bare)  # what the window meets first (ui/app.py then asks to sign in)
    desk = team["names"]["service_desk"]
    dialog = SignInDialog(None, bare, desk)
    qtbot.addWidget(dialog)
    dialog.password.setText("wrong-password")
    with pytest.raises(PermissionDenied, match="wrong password"):
        dialog.submit()
    dialog.password.setText(PASSWORDS["service_desk"])
    dialog.submit()
    try:
        assert dialog.operator.username == desk and dialog.operator.role == "service_desk"
        assert session_login(dialog.db) == desk
    finally:
        dialog.db.close()


# -- the shop's and later tables ---------------------------------------------------------------

# The lowest role that may INSERT / UPDATE / DELETE each table (None: nobody), written out
# here from the role matrix (roles.py), independently of inventory/pgroles.py's rules.
ORDER = ["viewer", "service_desk", "supply_chain", "manager", "admin"]
MATRIX = {
    "request": ("service_desk", "service_desk", None),
    "request_event": ("service_desk", None, None),
    "reservation": ("service_desk", "service_desk", None),
    "booking": ("service_desk", "service_desk", None),
    "joiner": ("service_desk", "service_desk", None),
    "digest_sent": ("service_desk", None, "service_desk"),
    "catalog_item": ("supply_chain", "supply_chain", None),
    "kit_line": ("supply_chain", "supply_chain", None),
    "kit_option": ("supply_chain", "supply_chain", None),
    "loan_device": ("supply_chain", None, None),
    "license_term": ("supply_chain", "supply_chain", None),
    "schema_version": (None, None, None),
    "demand_month": (None, None, None),
}


def _may(lowest: str | None, role: str) -> bool:
    return lowest is not None and ORDER.index(role) >= ORDER.index(lowest)


@pytest.mark.parametrize("role", ORDER)
def test_the_shop_tables_grant_what_each_role_may_do(team, role):
    """Each privilege probed with a statement that touches no row (the server checks the
    privilege before it looks at any)."""
    con = connect(team, role)
    try:
        for table, (ins, upd, dele) in MATRIX.items():
            probes = [(ins, f'INSERT INTO "{table}" SELECT * FROM "{table}" WHERE false'),
                      (upd, f'UPDATE "{table}" SET id = id WHERE false'),
                      (dele, f'DELETE FROM "{table}" WHERE false')]
            for lowest, sql in probes:
                if _may(lowest, role):
                    assert allowed(con, sql), (role, sql)
                else:
                    assert refused(con, sql), (role, sql)
            assert allowed(con, f'SELECT COUNT(*) FROM "{table}"')  # everyone reads
    finally:
        con.close()


def test_every_table_has_a_grant_rule(team):
    """A table added by a migration (or a model not created yet) without a rule in
    inventory/pgroles.py fails here: nobody could write it on a team database."""
    from inventory import pgroles
    from inventory.models import BaseModel

    def models(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from models(sub)

    con = psycopg2.connect(team["url"])
    try:
        with con.cursor() as cur:
            cur.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
            tables = {t for (t,) in cur.fetchall()}
    finally:
        con.close()
    tables |= {model._meta.table_name for model in models(BaseModel)}
    assert "request" in tables and "movement" in tables
    missing = sorted(t for t in tables if pgroles.rule_for(t) is None)
    assert missing == [], f"no grant rule in inventory/pgroles.py WRITES / READ_ONLY: {missing}"


def test_a_manager_changes_the_joiner_lead_time_and_no_other_setting(team):
    from inventory import operations
    from inventory.operators import current_operator
    from inventory.shop_commands import SetJoinerLeadDays

    name = team["names"]["manager"]
    db = open_store(login_url(team["url"], name, PASSWORDS["manager"]))
    try:
        op = current_operator(db, name, PASSWORDS["manager"])
        operations.execute(db, op, SetJoinerLeadDays(12))
        assert m.Setting.get(m.Setting.key == "joiners.lead_days").value == "12"
    finally:
        db.close()
    manager = connect(team, "manager")
    try:
        assert refused(manager, "INSERT INTO setting (key, value) VALUES ('letterhead.company',"
                                " 'Mallory Ltd')")
        assert refused(manager, "UPDATE setting SET key = 'team_roles' WHERE key = "
                                "'joiners.lead_days'")
    finally:
        manager.close()


def test_a_service_desk_login_runs_the_shop_on_the_team_database(team):
    """Requests, reservations and bookings written by the app as a service-desk login."""
    from inventory import operations
    from inventory.operators import current_operator
    from inventory.shop_commands import CancelRequest, CreateRequest

    name = team["names"]["service_desk"]
    db = open_store(login_url(team["url"], name, PASSWORDS["service_desk"]))
    try:
        op = current_operator(db, name, PASSWORDS["service_desk"])
        item = (m.CatalogItem.select().where(m.CatalogItem.active)
                .order_by(m.CatalogItem.id).first())
        (person,) = employee_ids(team["url"], 1)
        made = operations.execute(db, op, CreateRequest(person=person, item=item.code))
        number = made.view.number
        operations.execute(db, op, CancelRequest(number=number, reason="test"))
        req = m.Request.get(m.Request.number == number)
        assert req.state == "cancelled"
        assert m.RequestEvent.select().where(m.RequestEvent.request == req.id).count() >= 2
        assert {e.operator.username for e in req.events} == {name}
    finally:
        db.close()
