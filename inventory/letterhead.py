"""The letterhead on documents sent to suppliers (purchase orders): who is buying, where
to send the invoice, how to reach the buyer. Kept in the database's settings, so every
desk prints the same; set in Settings by someone who manages purchasing."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

import peewee as pw

from . import models as m
from .db import Handle, unwrap
from .errors import ValidationError
from .operators import OperatorRef
from .roles import require

PREFIX = "letterhead."
MAX_LINE = 200
MAX_ADDRESS = 600


@dataclass(frozen=True)
class Letterhead:
    company: str = ""
    address: str = ""  # several lines
    email: str = ""
    phone: str = ""
    tax_id: str = ""  # VAT / tax number
    terms: str = ""  # payment and delivery terms printed under the table

    @property
    def empty(self) -> bool:
        return not any(asdict(self).values())


NAMES = tuple(f.name for f in fields(Letterhead))


def load(db: Handle) -> Letterhead:
    db = unwrap(db)
    with db.atomic():
        stored = dict(m.Setting.select(m.Setting.key, m.Setting.value)
                      .where(m.Setting.key.startswith(PREFIX)).tuples())
    return Letterhead(**{n: stored.get(PREFIX + n, "") for n in NAMES})


def save(db: pw.Database, op: OperatorRef, values: dict[str, str]) -> Letterhead:
    """Store the letterhead's fields given (empty text clears one)."""
    require(op.role, "receive")
    unknown = set(values) - set(NAMES)
    if unknown:
        raise ValidationError(f"The letterhead has no {', '.join(sorted(unknown))}.")
    clean = {}
    for name, text in values.items():
        text = (text or "").strip()
        limit = MAX_ADDRESS if name in ("address", "terms") else MAX_LINE
        if len(text) > limit:
            raise ValidationError(f"That is {len(text)} characters; at most {limit}.",
                                  field=name)
        if "\x00" in text:
            raise ValidationError("Remove the control character from this text.", field=name)
        clean[name] = text
    with db.atomic():
        for name, text in clean.items():
            (m.Setting.insert(key=PREFIX + name, value=text)
             .on_conflict(conflict_target=[m.Setting.key], update={m.Setting.value: text})
             .execute())
    return load(db)
