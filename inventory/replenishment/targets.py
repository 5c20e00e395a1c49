"""Service targets: which cycle service level each product is planned for, and why.

A product's target, first that applies:

1. its own service level (``Product.service_level``, set on the product);
2. the target of its category (``ServiceTarget`` scope "category");
3. the target of its ABC class (scope "abc"): products ranked by annual value (the last
   12 complete months of demand × unit cost, all locations); A holds the first 80 % of
   the value, B the next 15 %, C the rest and everything without demand;
4. the default (the reorder setting ``reorder.service_level``, 95 % unless changed).

The reorder list and the backtest both call :func:`resolve_targets`, so a line says
which target it was computed for and the backtest replays the same targets.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import peewee as pw

from .. import models as m
from ..clock import utcnow
from ..db import Handle, unwrap
from ..errors import NotFound, ValidationError
from ..operators import OperatorRef
from ..roles import require

CATEGORY, ABC = "category", "abc"
SCOPES = (CATEGORY, ABC)
ABC_CLASSES = ("A", "B", "C")
ABC_SHARES = (0.80, 0.95)  # cumulative share of annual value closing A, then B
MIN_LEVEL, MAX_LEVEL = 0.50, 0.999


@dataclass(frozen=True)
class Target:
    scope: str
    key: str
    service_level: float

    @property
    def label(self) -> str:
        return f"category {self.key}" if self.scope == CATEGORY else f"ABC class {self.key}"


def parse_level(text: str | float) -> float:
    """A service level from '95', '95%' or '0.95'; bounded to 50–99.9 %."""
    raw = str(text).strip().rstrip("%").strip()
    try:
        value = float(raw)
    except ValueError:
        raise ValidationError(f"'{text}' is not a service level; write it as 95 or 0.95.") \
            from None
    if not math.isfinite(value):
        raise ValidationError("A service level must be a number such as 95 or 0.95.")
    if value > 1:
        value /= 100
    if not MIN_LEVEL <= value <= MAX_LEVEL:
        raise ValidationError(f"A service level must be between {MIN_LEVEL:.0%} and "
                              f"{MAX_LEVEL:.1%}; got {value:.1%}.")
    return round(value, 4)


def list_targets(db: Handle) -> list[Target]:
    """The targets stored in `db`."""
    t = m.ServiceTarget
    rows = t.select(t.scope, t.key, t.service_level).order_by(t.scope.desc(), t.key)
    return [Target(s, k, float(v)) for s, k, v in rows.bind(unwrap(db)).tuples()]


def _check(db: pw.Database, scope: str, key: str) -> str:
    if scope not in SCOPES:
        raise ValidationError(f"A target is for a category or an ABC class, not '{scope}'.")
    key = key.strip()
    if scope == ABC:
        key = key.upper()
        if key not in ABC_CLASSES:
            raise ValidationError(f"ABC classes are A, B and C; got '{key}'.")
        return key
    if not key or len(key) > 100:
        raise ValidationError("Name the category (as on the products), e.g. 'Cables'.")
    p = m.Product
    known = [c for (c,) in p.select(p.category).where(p.category != "").distinct().bind(db)
             .tuples()]
    match = next((c for c in known if c.lower() == key.lower()), None)
    if match is None:
        shown = ", ".join(sorted(known)[:12]) or "none yet"
        raise NotFound(f"No product has the category '{key}'. Categories: {shown}.")
    return match


def set_target(db: Handle, op: OperatorRef, scope: str, key: str,
               level: str | float) -> Target:
    """Set (or replace) the target of a category or ABC class in `db`; one transaction."""
    require(op.role, "adjust")
    value = parse_level(level)
    db = unwrap(db)
    with db.atomic():
        key = _check(db, scope, key)
        t = m.ServiceTarget
        row = t.select(t.id).where((t.scope == scope) & (t.key == key)).bind(db).first()
        if row is None:
            t.insert(scope=scope, key=key, service_level=value, updated_by=op.id).execute(db)
        else:
            t.update(service_level=value, updated_by=op.id, updated_at=utcnow()).where(
                t.id == row.id).execute(db)
    return Target(scope, key, value)


def clear_target(db: Handle, op: OperatorRef, scope: str, key: str) -> None:
    """Remove a target from `db`; its products fall back to the next rule."""
    require(op.role, "adjust")
    if scope not in SCOPES:
        raise ValidationError(f"A target is for a category or an ABC class, not '{scope}'.")
    t = m.ServiceTarget
    db = unwrap(db)
    with db.atomic():
        key = key.strip().upper() if scope == ABC else key.strip()
        gone = t.delete().where((t.scope == scope) & (pw.fn.LOWER(t.key) == key.lower())
                                ).execute(db)
    if not gone:
        raise NotFound(f"There is no target for {scope} '{key}'.")


def categories(db: Handle) -> list[tuple[str, int]]:
    """Product categories in use in `db`, with how many active products each holds."""
    p = m.Product
    q = (p.select(p.category, pw.fn.COUNT(p.id)).where(p.active & (p.category != ""))
         .group_by(p.category).order_by(p.category).bind(unwrap(db)).tuples())
    return [(c, int(n)) for c, n in q]


def save_targets(db: Handle, op: OperatorRef,
                 changes: Sequence[tuple[str, str, float | None]]) -> list[Target]:
    """Set (level) or remove (None) several targets in `db` as one unit of work: all or
    nothing."""
    require(op.role, "adjust")
    checked = [(scope, key, None if level is None else parse_level(level))
               for scope, key, level in changes]
    db = unwrap(db)
    with db.atomic():
        for scope, key, level in checked:
            if level is None:
                if scope not in SCOPES:
                    raise ValidationError(f"A target is for a category or an ABC class, not "
                                          f"'{scope}'.")
                t = m.ServiceTarget
                t.delete().where((t.scope == scope) & (pw.fn.LOWER(t.key) == key.lower())
                                 ).execute(db)
            else:
                set_target(db, op, scope, key, level)
    return list_targets(db)


def abc_classes(annual_value: Sequence[float]) -> np.ndarray:
    """'A' / 'B' / 'C' per product from its annual value (see the module doc)."""
    v = np.maximum(np.nan_to_num(np.asarray(annual_value, float)), 0.0)
    out = np.full(v.shape, "C", dtype="<U1")
    total = v.sum()
    if total <= 0:
        return out
    order = np.argsort(-v, kind="stable")
    before = (np.cumsum(v[order]) - v[order]) / total  # share of value ranked above
    ranked = np.where(before < ABC_SHARES[0], "A", np.where(before < ABC_SHARES[1], "B", "C"))
    out[order] = np.where(v[order] > 0, ranked, "C")
    return out


@dataclass(frozen=True)
class ResolvedTargets:
    level: np.ndarray  # per row
    source: list[str]  # per row: "product", "category Cables", "ABC class A", "default"
    abc: np.ndarray  # per row: A / B / C


def resolve_targets(products: Iterable[int], category: dict[int, str],
                    product_level: dict[int, float | None], annual_value: dict[int, float],
                    targets: list[Target], default: float) -> ResolvedTargets:
    """The target of each row's product (rows may repeat a product: one per location);
    decided once per product, then given to its rows."""
    rows = np.fromiter(products, np.int64)
    ids, at = np.unique(rows, return_inverse=True)
    at = at.ravel()
    classes = abc_classes([annual_value.get(p, 0.0) for p in ids.tolist()])
    by_cat = {t.key.lower(): t for t in targets if t.scope == CATEGORY}
    by_abc = {t.key: t for t in targets if t.scope == ABC}
    level = np.full(len(ids), float(default))
    source = np.full(len(ids), "default", dtype=object)
    for j, p in enumerate(ids.tolist()):
        own = product_level.get(p)
        if own:
            level[j], source[j] = float(own), "product"
            continue
        t = by_cat.get((category.get(p) or "").lower()) or by_abc.get(str(classes[j]))
        if t is not None:
            level[j], source[j] = t.service_level, t.label
    return ResolvedTargets(level[at], source[at].tolist(), classes[at])
