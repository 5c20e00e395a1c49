"""What a write changed: the kinds of thing, the tables, the ids (Anki's `OpChanges`).

A result carries one `Changes`; the window merges those of a basket into one notice and
each page asks `touches(...)` for the kinds it shows.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

# The kinds of change a page may subscribe to.
KINDS = ("assets", "stock", "licenses", "people", "locations", "orders", "movements",
         "catalog", "counts", "operators", "requests", "bookings", "costs")

# Which kinds a ledger movement of each kind changes (besides "movements").
MOVEMENT_KINDS: Mapping[str, frozenset[str]] = MappingProxyType({
    "receive": frozenset({"assets", "stock", "orders"}),
    "check_out": frozenset({"assets", "people"}),
    "check_in": frozenset({"assets", "people"}),
    "issue": frozenset({"stock", "people"}),
    "consume": frozenset({"stock"}),
    "return": frozenset({"stock", "people"}),
    "adjust": frozenset({"stock", "assets"}),
    "count": frozenset({"stock", "assets", "counts"}),
    "transfer": frozenset({"stock", "assets", "locations"}),
    "ship": frozenset({"stock", "assets", "locations"}),
    "arrive": frozenset({"stock", "assets", "locations"}),
    "retire": frozenset({"assets", "people"}),
    "dispose": frozenset({"assets", "people"}),
    "lost": frozenset({"assets", "people"}),
    "license_assign": frozenset({"licenses", "people", "assets"}),
    "license_release": frozenset({"licenses", "people", "assets"}),
})
ANY_MOVEMENT = frozenset({"assets", "stock", "licenses", "people", "orders"})


def _freeze(ids: Mapping[str, Iterable[int]]) -> Mapping[str, frozenset[int]]:
    return MappingProxyType({t: frozenset(v) for t, v in ids.items()})


@dataclass(frozen=True)
class Changes:
    """Kinds of change ("assets", "stock", ...), tables written, and ids per table."""

    kinds: frozenset[str] = frozenset()
    tables: frozenset[str] = frozenset()
    ids: Mapping[str, frozenset[int]] = field(default_factory=lambda: _freeze({}), hash=False)

    @classmethod
    def of(cls, *kinds: str, tables: Iterable[str] = (),
           ids: Mapping[str, Iterable[int]] | None = None) -> Changes:
        unknown = set(kinds) - set(KINDS)
        if unknown:
            raise ValueError(f"unknown kinds of change: {sorted(unknown)}")
        return cls(frozenset(kinds), frozenset(tables), _freeze(ids or {}))

    @classmethod
    def everything(cls) -> Changes:
        """After a restore, an import or a write at another desk: every page refreshes."""
        return cls(frozenset(KINDS))

    def __bool__(self) -> bool:
        return bool(self.kinds)

    def touches(self, *kinds: str) -> bool:
        return not self.kinds.isdisjoint(kinds)

    def merge(self, *others: Changes) -> Changes:
        kinds, tables = set(self.kinds), set(self.tables)
        ids: dict[str, set[int]] = {t: set(v) for t, v in self.ids.items()}
        for o in others:
            kinds |= o.kinds
            tables |= o.tables
            for t, v in o.ids.items():
                ids.setdefault(t, set()).update(v)
        return Changes(frozenset(kinds), frozenset(tables), _freeze(ids))


def merged(changes: Iterable[Changes]) -> Changes:
    return Changes().merge(*changes)
