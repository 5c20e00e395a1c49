"""A kit being filled: what each line still expects, and whether a scanned item belongs.

Plain data, no database: the scan station's basket and the kit issue service use the same
rules, so the window refuses exactly what the service would.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .errors import InvalidState


@dataclass(frozen=True)
class Line:
    """One kit line: `need` units of any of `options` (product id → name)."""

    kind: str  # device / spare / consumable / license
    need: int
    options: tuple[tuple[int, str], ...]

    @property
    def label(self) -> str:
        names = [n for _, n in self.options]
        what = " or ".join(names) if len(names) <= 3 else f"one of {', '.join(names)}"
        return f"{what} seat" if self.kind == "license" else what


@dataclass
class KitFill:
    """The lines of a kit and how many units of each are filled so far."""

    kit: str
    lines: list[Line]
    filled: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.filled:
            self.filled = [0] * len(self.lines)

    def place(self, product_id: int, name: str, quantity: int = 1, *, what: str = "") -> int:
        """The line a scanned item fills (the count goes up), else refused with why."""
        what = what or name
        fits = [i for i, ln in enumerate(self.lines)
                if ln.kind != "license" and any(pid == product_id for pid, _ in ln.options)]
        if not fits:
            raise InvalidState(f"{what} is not part of {self.kit}. It expects "
                               f"{self.expecting() or 'nothing more'}.", field="item")
        for i in fits:
            if self.filled[i] + quantity <= self.lines[i].need:
                self.filled[i] += quantity
                return i
        i = fits[0]
        raise InvalidState(f"{self.kit} needs only {self.lines[i].need} × "
                           f"{self.lines[i].label}; {what} would be one too many.",
                           field="item")

    def place_named(self, name: str, quantity: int = 1, *, what: str = "") -> int:
        """`place` by product name (what a scan's resolution carries)."""
        ids = [pid for ln in self.lines for pid, n in ln.options if n == name]
        if not ids:
            raise InvalidState(f"{what or name} is not part of {self.kit}. It expects "
                               f"{self.expecting() or 'nothing more'}.", field="item")
        return self.place(ids[0], name, quantity, what=what)

    def remove(self, index: int, quantity: int = 1) -> None:
        self.filled[index] = max(self.filled[index] - quantity, 0)

    def missing(self) -> list[tuple[int, Line, int]]:
        """(line index, line, units still expected) of every line not filled; license
        lines are filled at confirmation (a seat is assigned), so they are not missing."""
        return [(i, ln, ln.need - self.filled[i]) for i, ln in enumerate(self.lines)
                if ln.kind != "license" and self.filled[i] < ln.need]

    def expecting(self) -> str:
        return ", ".join(f"{n} × {ln.label}" for _, ln, n in self.missing())

    @property
    def complete(self) -> bool:
        return not self.missing()

    def seats(self) -> list[Line]:
        return [ln for ln in self.lines if ln.kind == "license"]
