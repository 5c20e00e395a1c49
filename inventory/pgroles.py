"""The database enforces who may do what (PostgreSQL team mode).

`setup(db)` (the `admin setup` command, run once by the server's administrator, and again
after a Stockroom upgrade) makes the database defend itself:

- an owner role `stockroom_owner` (no login) owns the schema: schema changes are its;
- five group roles, one per app role, nested as the role matrix is (each has everything
  the one below it has): `stockroom_viewer` reads; `stockroom_service_desk` also appends
  movements and moves assets, stock and seats; `stockroom_supply_chain` also writes the
  catalogue, orders, shipments and counts; `stockroom_manager` also the service targets;
  `stockroom_admin` also the operators and settings, and manages logins;
- nobody is granted UPDATE, DELETE or TRUNCATE on the ledger (and its triggers refuse
  them even to the owner);
- a trigger sets each movement's operator from `session_user`: a desk can only write as
  the login it signed in with;
- each operator signs in with a login of their own (SCRAM-SHA-256), created by
  `add_login`: the app never keeps a shared password.
Logins are managed through SECURITY DEFINER functions owned by the owner role, callable by
admins only, that touch nothing but Stockroom's own logins.
"""

from __future__ import annotations

from collections.abc import Iterable

import peewee as pw

from . import pgcalls
from .db import is_postgres, unwrap
from .errors import Duplicate, NotFound, PermissionDenied, ValidationError

OWNER = "stockroom_owner"
GROUPS = {"viewer": "stockroom_viewer", "service_desk": "stockroom_service_desk",
          "supply_chain": "stockroom_supply_chain", "manager": "stockroom_manager",
          "admin": "stockroom_admin"}
ORDER = ("viewer", "service_desk", "supply_chain", "manager", "admin")
TEAM_SETTING = "team_roles"

# What each group may write, on top of everything the group below it has. "As far as
# tables allow": the finer rules (who may approve a count, retire an asset) stay the app's.
# EVERY table of the schema has a rule: here, or in READ_ONLY (tests/test_pg_roles.py
# fails for a table with neither, so a new table cannot be forgotten).
WRITES: dict[str, dict[str, str]] = {
    "viewer": {},
    "service_desk": {
        "movement": "INSERT", "asset": "UPDATE", "stock_level": "INSERT, UPDATE",
        "license_seat": "INSERT, UPDATE", "cost_repair": "INSERT, UPDATE",
        # the shop: requests and their ledger, reservations, loan bookings, joiners
        "request": "INSERT, UPDATE", "request_event": "INSERT",
        "reservation": "INSERT, UPDATE", "booking": "INSERT, UPDATE",
        "joiner": "INSERT, UPDATE",
        "digest_sent": "INSERT, DELETE",  # `notify` remembers what it sent
    },
    "supply_chain": {
        **{t: "INSERT, UPDATE" for t in (
            "asset", "product", "location", "transfer_lane", "person", "supplier",
            "supplier_offer", "purchase_order", "purchase_order_line", "shipment",
            "shipment_line", "license", "count_session", "license_term",
            "catalog_item", "kit_line", "kit_option")},
        "cost_centre_move": "INSERT",
        "count_entry": "INSERT, UPDATE, DELETE",
        "loan_device": "INSERT",
    },
    "manager": {**{t: "INSERT, UPDATE, DELETE" for t in (
        "service_target", "cost_depreciation", "cost_rate", "cost_license_pricing",
        "cost_budget", "cost_cloud")},
                "setting": "INSERT, UPDATE"},  # only MANAGER_SETTINGS (setting_guard)
    "admin": {"operator": "INSERT, UPDATE", "setting": "INSERT, UPDATE, DELETE"},
}
# Written by nobody but the owner (migrations) or the owner's triggers.
READ_ONLY = frozenset({"schema_version", "demand_month", "cost_holding", "cost_balance",
                       "cost_stockout", "cost_flow_month", "cost_spend_month"})
# The settings a manager may change (the app's "adjust"); the rest are the admins'.
MANAGER_SETTINGS = ("joiners.lead_days",)


def rule_for(table: str) -> dict[str, str] | None:
    """The groups that may write `table` and how; {} for a read-only table, None for a
    table with no rule at all."""
    if table in READ_ONLY:
        return {}
    found = {role: tables[table] for role, tables in WRITES.items() if table in tables}
    return found or None


SETTING_GUARD = f"""
CREATE OR REPLACE FUNCTION setting_guard() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  IF pg_has_role(session_user, '{OWNER}', 'MEMBER')
     OR pg_has_role(session_user, 'stockroom_admin', 'MEMBER')
     OR (NEW.key = ANY (ARRAY[{", ".join(f"'{k}'" for k in MANAGER_SETTINGS)}])
         AND (TG_OP = 'INSERT' OR OLD.key = NEW.key)) THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'only an admin may change the setting %', NEW.key USING ERRCODE = '42501';
END $$"""
SETTING_GUARD_TRIGGER = """
CREATE TRIGGER setting_guard BEFORE INSERT OR UPDATE ON setting
FOR EACH ROW EXECUTE FUNCTION setting_guard()"""

# Trigger functions on `movement` that keep projections (the demand table, the cost
# model's holdings, balances and monthly spend).
PROJECTION_FUNCTIONS = ("movement_demand_month", "movement_cost_holding",
                        "movement_cost_balance", "movement_cost_spend")

MOVEMENT_OPERATOR = """
CREATE OR REPLACE FUNCTION movement_operator() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE me integer;
BEGIN
  IF pg_has_role(session_user, 'stockroom_owner', 'MEMBER') THEN
    RETURN NEW;  -- the owner copies and builds ledgers (migrate, demo) as they are
  END IF;
  SELECT id INTO me FROM operator WHERE username = session_user AND active;
  IF me IS NULL THEN
    RAISE EXCEPTION 'the database login % is not an active Stockroom operator',
      session_user USING ERRCODE = '42501';
  END IF;
  IF NEW.operator_id IS NULL THEN
    NEW.operator_id := me;
  ELSIF NEW.operator_id <> me THEN
    RAISE EXCEPTION 'a movement is recorded under the signed-in login (%) only',
      session_user USING ERRCODE = '42501';
  END IF;
  RETURN NEW;
END $$"""
MOVEMENT_OPERATOR_TRIGGER = """
CREATE TRIGGER movement_operator BEFORE INSERT ON movement
FOR EACH ROW EXECUTE FUNCTION movement_operator()"""

_GROUP_CHECK = "grp NOT IN ({})".format(", ".join(f"'{g}'" for g in GROUPS.values()))
LOGIN_FUNCTIONS = [
    f"""
CREATE OR REPLACE FUNCTION stockroom_is_login(name text) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT EXISTS (SELECT 1 FROM pg_roles r JOIN pg_auth_members a ON a.member = r.oid
                 JOIN pg_roles g ON g.oid = a.roleid
                 WHERE r.rolname = name AND NOT r.rolsuper
                   AND g.rolname IN ({", ".join(f"'{g}'" for g in GROUPS.values())}))
$$""",
    f"""
CREATE OR REPLACE FUNCTION stockroom_add_login(name text, verifier text, grp text)
RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  IF {_GROUP_CHECK} THEN RAISE EXCEPTION 'unknown group %', grp; END IF;
  IF verifier NOT LIKE 'SCRAM-SHA-256$%' THEN
    RAISE EXCEPTION 'only SCRAM-SHA-256 password verifiers are accepted';
  END IF;
  EXECUTE format('CREATE ROLE %I LOGIN PASSWORD %L', name, verifier);
  EXECUTE format('GRANT %I TO %I', grp, name);
END $$""",
    f"""
CREATE OR REPLACE FUNCTION stockroom_set_group(name text, grp text)
RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE g text;
BEGIN
  IF {_GROUP_CHECK} THEN RAISE EXCEPTION 'unknown group %', grp; END IF;
  IF NOT stockroom_is_login(name) THEN
    RAISE EXCEPTION '% is not a Stockroom login', name;
  END IF;
  FOREACH g IN ARRAY ARRAY[{", ".join(f"'{g}'" for g in GROUPS.values())}] LOOP
    EXECUTE format('REVOKE %I FROM %I', g, name);
  END LOOP;
  EXECUTE format('GRANT %I TO %I', grp, name);
END $$""",
    """
CREATE OR REPLACE FUNCTION stockroom_set_login(name text, verifier text, can_login boolean)
RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
  IF NOT stockroom_is_login(name) THEN
    RAISE EXCEPTION '% is not a Stockroom login', name;
  END IF;
  IF verifier IS NOT NULL THEN
    IF verifier NOT LIKE 'SCRAM-SHA-256$%' THEN
      RAISE EXCEPTION 'only SCRAM-SHA-256 password verifiers are accepted';
    END IF;
    EXECUTE format('ALTER ROLE %I PASSWORD %L', name, verifier);
  END IF;
  IF can_login THEN
    EXECUTE format('ALTER ROLE %I LOGIN', name);
  ELSE
    EXECUTE format('ALTER ROLE %I NOLOGIN', name);
  END IF;
END $$""",
]
ADMIN_ONLY_FUNCTIONS = ("stockroom_add_login(text, text, text)",
                        "stockroom_set_group(text, text)",
                        "stockroom_set_login(text, text, boolean)")



def is_team(db: pw.Database) -> bool:
    """Whether this PostgreSQL database was set up with group roles (`admin setup`)."""
    if not is_postgres(db):
        return False
    db = unwrap(db)
    row = db.execute_sql(
        "SELECT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = 'movement_operator' "
        "AND tgrelid = to_regclass('movement'))").fetchone()
    return bool(row and row[0])


def session_login(db: pw.Database) -> str:
    return unwrap(db).execute_sql("SELECT session_user").fetchone()[0]


def login_role(db: pw.Database, login: str | None = None) -> str | None:
    """The app role the database grants `login` (default: this session's): the highest
    group it is a member of; None for a login of no group."""
    name = login or session_login(db)
    rows = unwrap(db).execute_sql(
        "SELECT g FROM unnest(%s::text[]) AS g WHERE pg_has_role(%s, g, 'MEMBER')",
        (list(GROUPS.values()), name)).fetchall()
    held = {r[0] for r in rows}
    for role in reversed(ORDER):
        if GROUPS[role] in held:
            return role
    return None


def is_owner(db: pw.Database) -> bool:
    return bool(unwrap(db).execute_sql(
        "SELECT pg_has_role(session_user, %s, 'MEMBER')", (OWNER,)).fetchone()[0])


def _quote(db: pw.Database, name: str) -> str:
    return unwrap(db).execute_sql("SELECT quote_ident(%s)", (name,)).fetchone()[0]


def setup(db: pw.PostgresqlDatabase, owners: Iterable[str] = ()) -> list[str]:
    """Create the roles, hand the schema to the owner role, grant each group what the
    matrix allows and install the operator trigger; idempotent. Run by a superuser (or
    a login with CREATEROLE that owns the database). Returns what it did, one line each."""
    done: list[str] = []
    cur = db.cursor()

    def role_exists(name: str) -> bool:
        cur.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,))
        return cur.fetchone() is not None

    with db.atomic():
        for name in (OWNER, *GROUPS.values()):
            if not role_exists(name):
                extra = " CREATEROLE" if name == OWNER else ""
                cur.execute(f"CREATE ROLE {name} NOLOGIN{extra}")
                done.append(f"role {name} created")
        for lower, higher in zip(ORDER, ORDER[1:], strict=False):
            cur.execute(f"GRANT {GROUPS[lower]} TO {GROUPS[higher]}")
        for grp in GROUPS.values():
            cur.execute(f"GRANT {grp} TO {OWNER} WITH ADMIN OPTION")
        for login in owners:
            cur.execute(f"GRANT {OWNER} TO {_quote(db, login)}")
            done.append(f"{login} may change the schema (member of {OWNER})")
        cur.execute(f"ALTER SCHEMA public OWNER TO {OWNER}")
        cur.execute("SELECT format('ALTER TABLE %I OWNER TO stockroom_owner', tablename) "
                    "FROM pg_tables WHERE schemaname = 'public'")
        for (sql,) in cur.fetchall():
            cur.execute(sql)
        cur.execute("SELECT format('ALTER FUNCTION %s OWNER TO stockroom_owner', "
                    "p.oid::regprocedure) FROM pg_proc p WHERE p.pronamespace = "
                    "'public'::regnamespace")
        for (sql,) in cur.fetchall():
            cur.execute(sql)
        cur.execute("SET LOCAL ROLE stockroom_owner")
        _grants(cur)
        cur.execute(MOVEMENT_OPERATOR)
        cur.execute("DROP TRIGGER IF EXISTS movement_operator ON movement")
        cur.execute(MOVEMENT_OPERATOR_TRIGGER)
        cur.execute(SETTING_GUARD)
        cur.execute("DROP TRIGGER IF EXISTS setting_guard ON setting")
        cur.execute(SETTING_GUARD_TRIGGER)
        # the projections are kept by their triggers as the owner: no desk writes them
        for fn in PROJECTION_FUNCTIONS:
            cur.execute(f"ALTER FUNCTION {fn}() SECURITY DEFINER "
                        "SET search_path = public, pg_temp")
        for sql in LOGIN_FUNCTIONS:
            cur.execute(sql)
        pgcalls.install(db)  # the hot use cases' functions, owned by the owner role
        for fn in ADMIN_ONLY_FUNCTIONS:
            cur.execute(f"REVOKE ALL ON FUNCTION {fn} FROM PUBLIC")
            cur.execute(f"GRANT EXECUTE ON FUNCTION {fn} TO {GROUPS['admin']}")
        # secrets live in the logins now: no app password hash stays in the table
        cur.execute("UPDATE operator SET password_hash = NULL WHERE password_hash IS NOT NULL")
        cur.execute("INSERT INTO setting (key, value) VALUES (%s, '1') ON CONFLICT (key) "
                    "DO NOTHING", (TEAM_SETTING,))
        cur.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        unruled = sorted(t for (t,) in cur.fetchall() if rule_for(t) is None)
        cur.execute("RESET ROLE")
    done.append("privileges granted per role; the ledger is append-only for everyone; "
                "movements carry the signed-in login")
    if unruled:
        done.append(f"read-only for every group (no rule in inventory/pgroles.py): "
                    f"{', '.join(unruled)}")
    return done


def _grants(cur) -> None:
    cur.execute("REVOKE ALL ON ALL TABLES IN SCHEMA public FROM PUBLIC")
    cur.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC")
    for grp in GROUPS.values():
        cur.execute(f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {grp}")
    viewer = GROUPS["viewer"]
    cur.execute(f"GRANT USAGE ON SCHEMA public TO {viewer}")
    cur.execute(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {viewer}")
    cur.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO "
                f"{GROUPS['service_desk']}")
    cur.execute(f"ALTER DEFAULT PRIVILEGES FOR ROLE {OWNER} IN SCHEMA public "
                f"GRANT SELECT ON TABLES TO {viewer}")
    cur.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    present = {t for (t,) in cur.fetchall()}
    for role, tables in WRITES.items():
        for table, privileges in tables.items():
            if table in present:  # an older schema may not have every table yet
                cur.execute(f'GRANT {privileges} ON "{table}" TO {GROUPS[role]}')


# -- logins ----------------------------------------------------------------------------------

def create_missing_logins(db: pw.PostgresqlDatabase) -> list[tuple[str, str]]:
    """Every active operator without a login gets one (unable to sign in until an admin
    sets its password: `operator passwd NAME`), in the group of their role. Returns
    (operator, what happened) for each operator looked at."""
    from . import models as m

    out = []
    with db.atomic():
        for op in m.Operator.select().where(m.Operator.active).order_by(m.Operator.username):
            exists = db.execute_sql("SELECT 1 FROM pg_roles WHERE rolname = %s",
                                    (op.username,)).fetchone()
            if exists and not db.execute_sql("SELECT stockroom_is_login(%s)",
                                             (op.username,)).fetchone()[0]:
                out.append((op.username, "a login of that name exists on the server and is "
                            "not Stockroom's: left alone (rename the operator to give them one)"))
                continue
            if exists:
                set_group(db, op.username, op.role)
                out.append((op.username, f"login kept, in {GROUPS[op.role]}"))
                continue
            q = _quote(db, op.username)
            db.execute_sql(f"CREATE ROLE {q} NOLOGIN")
            db.execute_sql(f"GRANT {GROUPS[op.role]} TO {q}")
            out.append((op.username, f"login created in {GROUPS[op.role]}; it signs in once "
                        f"an admin sets its password (operator passwd {op.username})"))
    return out


def verifier(db: pw.Database, login: str, password: str) -> str:
    """The SCRAM-SHA-256 verifier of `password` for `login`, computed here (libpq), so the
    password itself never travels to the server nor lands in its log."""
    from psycopg2.extensions import encrypt_password

    return encrypt_password(password, login, unwrap(db).connection(), "scram-sha-256")


def add_login(db: pw.Database, login: str, password: str, role: str) -> None:
    if role not in GROUPS:
        raise ValidationError(f"Unknown role '{role}'.")
    row = unwrap(db).execute_sql("SELECT 1 FROM pg_roles WHERE rolname = %s",
                                (login,)).fetchone()
    if row:
        raise Duplicate(f"The server already has a login '{login}'. Pick another operator "
                        "name, or ask the server's administrator about that login.")
    _call(db, "SELECT stockroom_add_login(%s, %s, %s)",
          (login, verifier(db, login, password), GROUPS[role]))


def set_group(db: pw.Database, login: str, role: str) -> None:
    _call(db, "SELECT stockroom_set_group(%s, %s)", (login, GROUPS[role]))


def set_login(db: pw.Database, login: str, password: str | None = None,
              can_login: bool = True) -> None:
    secret = verifier(db, login, password) if password is not None else None
    if password is not None and login == session_login(db):
        # your own password: every login may change it, no admin needed
        unwrap(db).execute_sql(f"ALTER ROLE {_quote(db, login)} PASSWORD %s", (secret,))
        return
    _call(db, "SELECT stockroom_set_login(%s, %s, %s)", (login, secret, can_login))


def _call(db: pw.Database, sql: str, params: tuple) -> None:
    try:
        unwrap(db).execute_sql(sql, params)
    except pw.ProgrammingError as exc:
        text = str(exc)
        if "permission denied" in text:
            raise PermissionDenied("Only an admin's database login may manage operators' "
                                   "logins.") from exc
        if "is not a Stockroom login" in text:
            raise NotFound("That operator has no Stockroom login on this server.") from exc
        raise
