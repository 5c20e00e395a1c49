"""Server-side calls on PostgreSQL: a check-out or a check-in in ONE round trip.

Every statement of a service is a round trip to the server; a check-out through the
Python services is about nine (lookups, the ledger head's lock and hash, the asset's
update, the insert, the notice). Here each hot use case is a PL/pgSQL function that does
the ordinary case whole, inside the caller's transaction:

    ledger head lock → asset by tag (or unique serial) → person / location →
    guarded asset UPDATE → movement chained onto the head (the same SHA-256 digest as
    `services/chain.py`, so `verify` cannot tell the two writers apart) → NOTIFY

Whatever is not the ordinary case (a refusal of any kind, a reserved or loan-pool device,
an email instead of an employee id, a text Python would escape when hashing) comes back as
"not handled" having written nothing, and the command runs the Python service instead, in
the same transaction, which says why in its own words: the rules and messages stay in one
place, the function only knows the happy path. SQLite never comes here.

The functions run with the caller's rights (SECURITY INVOKER): a team login may do
through them exactly what its grants allow, and the `session_user` trigger still signs
each movement. They are installed by a schema migration and again by `admin setup`
(`install`, CREATE OR REPLACE).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import peewee as pw

from . import lifecycle, live
from . import models as m
from .changes import MOVEMENT_KINDS
from .clock import today, utcnow
from .db import is_postgres, unwrap
from .services.chain import _LOCK_KEY, GENESIS
from .views import AssetView

ENABLED = True  # the benchmark compares with the Python services by turning this off

# Python's repr() of a printable str (str.isprintable(): no control characters, nothing
# Python would escape but the backslash and the quote it picks): what chain.digest hashes.
PY_STR = r"""
CREATE OR REPLACE FUNCTION stockroom_py_str(s text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE
    WHEN s IS NULL THEN 'None'
    WHEN strpos(s, '''') > 0 AND strpos(s, '"') = 0
      THEN '"' || replace(s, '\', '\\') || '"'
    ELSE '''' || replace(replace(s, '\', '\\'), '''', '\''') || ''''
  END
$$"""

PY_INT = r"""
CREATE OR REPLACE FUNCTION stockroom_py_int(i bigint) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT COALESCE(i::text, 'None')
$$"""

# chain.digest(previous, values in HASHED order): sha256 over "previous\n(v1, v2, ...)".
# PL/pgSQL, not SQL: its plan (with the two helpers inlined) is kept for the session.
DIGEST = r"""
CREATE OR REPLACE FUNCTION stockroom_digest(
  prev text, at timestamp, kind text, product bigint, asset bigint, license bigint,
  quantity bigint, from_location bigint, to_location bigint, person bigint, holder bigint,
  asset_status text, operator bigint, reference text, source text, note text,
  unit_cost numeric, reverses bigint) RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
  RETURN encode(sha256(convert_to(prev || E'\n(' || concat_ws(', ',
    stockroom_py_str(to_char(at, 'YYYY-MM-DD HH24:MI:SS.US')), stockroom_py_str(kind),
    stockroom_py_int(product), stockroom_py_int(asset), stockroom_py_int(license),
    stockroom_py_int(quantity), stockroom_py_int(from_location),
    stockroom_py_int(to_location), stockroom_py_int(person), stockroom_py_int(holder),
    stockroom_py_str(asset_status), stockroom_py_int(operator), stockroom_py_str(reference),
    stockroom_py_str(source), stockroom_py_str(note),
    stockroom_py_str(round(unit_cost, 2)::text), stockroom_py_int(reverses)) || ')',
    'UTF8')), 'hex');
END $$"""

# Append one movement onto the ledger's head (the caller holds the head's lock).
APPEND = f"""
CREATE OR REPLACE FUNCTION stockroom_append(
  p_at timestamp, p_kind text, p_product integer, p_asset integer, p_from integer,
  p_to integer, p_person integer, p_holder integer, p_status text, p_operator integer,
  p_reference text, p_source text, p_note text) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE prev text; mid integer;
BEGIN
  SELECT hash INTO prev FROM movement ORDER BY id DESC LIMIT 1;
  prev := COALESCE(NULLIF(prev, ''), '{GENESIS}');
  INSERT INTO movement (at, kind, product_id, asset_id, license_id, quantity,
                        from_location_id, to_location_id, person_id, holder_id, asset_status,
                        operator_id, reference, source, note, unit_cost, reverses_id,
                        prev_hash, hash)
  VALUES (p_at, p_kind, p_product, p_asset, NULL, 1, p_from, p_to, p_person, p_holder,
          p_status, p_operator, p_reference, p_source, p_note, NULL, NULL, prev,
          stockroom_digest(prev, p_at, p_kind, p_product, p_asset, NULL, 1, p_from, p_to,
                           p_person, p_holder, p_status, p_operator, p_reference, p_source,
                           p_note, NULL, NULL))
  RETURNING id INTO mid;
  RETURN mid;
END $$"""

# The asset a code names: by tag, else by a serial only one asset has (find.asset).
FIND_ASSET = """
CREATE OR REPLACE FUNCTION stockroom_find_asset(p_code text) RETURNS integer
LANGUAGE plpgsql STABLE AS $$
DECLARE found integer[];
BEGIN
  SELECT array_agg(id) INTO found FROM asset WHERE tag = p_code;
  IF found IS NULL THEN
    SELECT array_agg(id) INTO found FROM (SELECT id FROM asset WHERE serial = p_code
                                          LIMIT 2) s;
  END IF;
  RETURN CASE WHEN cardinality(found) = 1 THEN found[1] END;
END $$"""

_NOTICE = """
  IF p_notice IS NOT NULL THEN
    PERFORM pg_notify('stockroom_changes', (p_notice || jsonb_build_object(
      'ids', jsonb_build_object('asset', jsonb_build_array(a.id),
                                'movement', jsonb_build_array(movement_id),
                                'product', jsonb_build_array(a.product_id)),
      'mv', jsonb_build_array(movement_id)))::text);
  END IF;"""

_OUT = """
  OUT movement_id integer, OUT asset_id integer, OUT product_id integer, OUT tag text,
  OUT serial text, OUT product text, OUT location text, OUT holder text,
  OUT holder_employee_id text"""

# assets.check_out, the ordinary case. NULL movement_id: not handled, nothing written.
CHECK_OUT = f"""
CREATE OR REPLACE FUNCTION stockroom_check_out(
  p_tag text, p_person text, p_location text, p_due date, p_allowed text[], p_status text,
  p_places text[], p_at timestamp, p_operator integer, p_source text, p_reference text,
  p_notice jsonb, {_OUT})
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE a record; aid integer; who_id integer; who_active boolean; who_site integer;
  dest_id integer; dest_kind text; n integer;
BEGIN
  PERFORM pg_advisory_xact_lock({_LOCK_KEY});  -- the ledger head first: one lock order
  aid := stockroom_find_asset(p_tag);
  SELECT x.id, x.tag, x.serial, x.status, x.product_id, x.location_id INTO a
    FROM asset x WHERE x.id = aid;
  IF NOT FOUND OR NOT (a.status = ANY (p_allowed)) THEN RETURN; END IF;
  IF p_person IS NOT NULL THEN
    SELECT pp.id, pp.name, pp.employee_id, pp.active, pp.site_id
      INTO who_id, holder, holder_employee_id, who_active, who_site
      FROM person pp WHERE pp.employee_id = p_person;
    IF who_id IS NULL OR NOT who_active THEN RETURN; END IF;
    dest_id := COALESCE(who_site, a.location_id);
  ELSE
    SELECT l.id, l.kind INTO dest_id, dest_kind FROM location l WHERE l.code = p_location;
    IF dest_id IS NULL OR NOT (dest_kind = ANY (p_places)) THEN RETURN; END IF;
  END IF;
  -- reserved for someone else's request, or in the loan pool: the Python rules decide
  IF EXISTS (SELECT 1 FROM reservation r JOIN request q ON q.id = r.request_id
             WHERE r.asset_id = a.id AND r.state = 'held'
               AND q.person_id IS DISTINCT FROM who_id)
     OR EXISTS (SELECT 1 FROM loan_device d WHERE d.asset_id = a.id) THEN
    RETURN;
  END IF;
  UPDATE asset x SET status = p_status, holder_id = who_id, location_id = dest_id,
                     due_date = p_due
   WHERE x.id = a.id AND x.status = ANY (p_allowed);
  GET DIAGNOSTICS n = ROW_COUNT;
  IF n = 0 THEN RETURN; END IF;
  movement_id := stockroom_append(p_at, 'check_out', a.product_id, a.id, a.location_id,
                                  dest_id, who_id, who_id, p_status, p_operator,
                                  p_reference, p_source, '');
  {_NOTICE}
  asset_id := a.id; product_id := a.product_id; tag := a.tag; serial := a.serial;
  SELECT pr.name INTO product FROM product pr WHERE pr.id = a.product_id;
  SELECT l.name INTO location FROM location l WHERE l.id = dest_id;
END $$"""

# assets.check_in, the ordinary case (returned by the holder; to a given location or home).
CHECK_IN = f"""
CREATE OR REPLACE FUNCTION stockroom_check_in(
  p_tag text, p_location text, p_repair boolean, p_allowed text[], p_status text,
  p_stocking text[], p_at timestamp, p_operator integer, p_source text, p_reference text,
  p_note text, p_notice jsonb, {_OUT})
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE a record; aid integer; dest_id integer; n integer;
BEGIN
  PERFORM pg_advisory_xact_lock({_LOCK_KEY});  -- the ledger head first: one lock order
  aid := stockroom_find_asset(p_tag);
  SELECT x.id, x.tag, x.serial, x.status, x.product_id, x.location_id, x.holder_id INTO a
    FROM asset x WHERE x.id = aid;
  IF NOT FOUND OR NOT (a.status = ANY (p_allowed)) THEN RETURN; END IF;
  IF p_location IS NOT NULL THEN
    SELECT l.id INTO dest_id FROM location l WHERE l.code = p_location;
  ELSE
    IF p_repair THEN
      SELECT l.id INTO dest_id FROM location l WHERE l.kind = 'repair' ORDER BY l.id LIMIT 1;
    END IF;
    IF dest_id IS NULL THEN  -- home: where it was last checked out from
      SELECT mv.from_location_id INTO dest_id FROM movement mv
       WHERE mv.asset_id = a.id AND mv.kind = 'check_out'
         AND mv.from_location_id IS NOT NULL
       ORDER BY mv.id DESC LIMIT 1;
    END IF;
    IF dest_id IS NULL THEN
      SELECT l.id INTO dest_id FROM location l
       WHERE l.id = a.location_id AND l.kind = ANY (p_stocking);
    END IF;
    IF dest_id IS NULL THEN
      SELECT l.id INTO dest_id FROM location l WHERE l.kind = 'stockroom'
       ORDER BY l.id LIMIT 1;
    END IF;
  END IF;
  IF dest_id IS NULL THEN RETURN; END IF;
  UPDATE asset x SET status = p_status, holder_id = NULL, location_id = dest_id,
                     due_date = NULL
   WHERE x.id = a.id AND x.status = ANY (p_allowed);
  GET DIAGNOSTICS n = ROW_COUNT;
  IF n = 0 THEN RETURN; END IF;
  movement_id := stockroom_append(p_at, 'check_in', a.product_id, a.id, a.location_id,
                                  dest_id, a.holder_id, NULL, p_status, p_operator,
                                  p_reference, p_source, p_note);
  {_NOTICE}
  asset_id := a.id; product_id := a.product_id; tag := a.tag; serial := a.serial;
  SELECT pr.name INTO product FROM product pr WHERE pr.id = a.product_id;
  SELECT l.name INTO location FROM location l WHERE l.id = dest_id;
END $$"""

FUNCTIONS = (PY_STR, PY_INT, DIGEST, APPEND, FIND_ASSET, CHECK_OUT, CHECK_IN)


def install(db: pw.Database) -> None:
    """Create (or replace) the server-side functions; PostgreSQL only."""
    if is_postgres(db):
        for sql in FUNCTIONS:
            unwrap(db).execute_sql(sql)



def _usable(uow: Any, *texts: str | None) -> bool:
    """The server may take this call: PostgreSQL, and every text one it hashes exactly as
    Python does (printable: repr escapes only the backslash and the quote)."""
    return (ENABLED and is_postgres(uow.db)
            and all(t is None or (t.isprintable() and len(t) <= 255) for t in texts))


def _call(uow: Any, sql: str, kind: str, params: tuple) -> tuple | None:
    notice = uow.inline_notice(MOVEMENT_KINDS[kind])
    in_tx = uow.in_transaction  # else: the call is its own transaction (autocommit)
    row = unwrap(uow.db).execute_sql(sql, (*params, notice and json.dumps(notice))).fetchone()
    if in_tx:
        uow.ledger_locked = True  # the function took the head's lock first, handled or not
    if row is None or row[0] is None:
        return None
    movement_id, asset_id, product_id = row[0], row[1], row[2]
    uow.appended(movement_id, kind, product=product_id, asset=asset_id)
    if notice is not None:
        uow.notified()
    return row


_CHECK_OUT_SQL = ("SELECT * FROM stockroom_check_out(%s, %s, %s, %s, %s, %s, %s, %s, %s, "
                  "%s, %s, %s)")
_CHECK_IN_SQL = ("SELECT * FROM stockroom_check_in(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, "
                 "%s, %s)")


def check_out(uow: Any, tag: str, *, person: str | None, location: str | None,
              due: Any, source: str, reference: str) -> AssetView | None:
    """A check-out in one round trip, or None when the Python service must do it."""
    from .services.assets import PLACE_KINDS

    code, person, location = tag.strip(), _strip(person), _strip(location)
    if (not _usable(uow, code, person, location, source, reference)
            or (person is None) == (location is None) or source not in m.SOURCES
            or (due is not None and due < today())):
        return None
    uow.require("check_out")
    row = _call(uow, _CHECK_OUT_SQL, "check_out", (
        code, person, location, due, list(lifecycle.sources("check_out")),
        lifecycle.target("check_out"), list(PLACE_KINDS), _now(), uow.operator.id, source,
        reference))
    if row is None:
        return None
    return AssetView(tag=row[3], serial=row[4], product=row[5], status="deployed",
                     location=row[6], holder=row[7], holder_employee_id=row[8], due_date=due)


def check_in(uow: Any, tag: str, *, location: str | None, damaged: bool,
             person: str | None, source: str, reference: str, note: str) -> AssetView | None:
    """A check-in in one round trip, or None when the Python service must do it."""
    code, location = tag.strip(), _strip(location)
    note = note or ("damaged" if damaged else "")
    if (person or not _usable(uow, code, location, source, reference, note)
            or source not in m.SOURCES):
        return None
    uow.require("check_out")
    action = "check_in_damaged" if damaged else "check_in"
    status = lifecycle.target(action) or "in_stock"
    row = _call(uow, _CHECK_IN_SQL, "check_in", (
        code, location, damaged, list(lifecycle.sources(action)), status,
        list(m.STOCKING_KINDS), _now(), uow.operator.id, source, reference, note))
    if row is None:
        return None
    return AssetView(tag=row[3], serial=row[4], product=row[5], status=status,
                     location=row[6], holder=None, holder_employee_id=None, due_date=None)


def _strip(text: str | None) -> str | None:
    return text.strip() if text is not None else None


def _now() -> datetime:
    return utcnow()


def notice_base(operator: str, kinds: frozenset[str]) -> dict[str, Any]:
    """The part of a change notice the client knows before the call (live.payload's
    fields without the ids, which the function adds)."""
    return {"desk": live.DESK, "op": operator[:100], "kinds": sorted(kinds | {"movements"})}
