"""Label stock: address-label sheets and desktop label-printer rolls, in millimetres.

A sheet layout places `columns` x `rows` labels on a page; a roll layout is one label
per page (the printer feeds the next one).
"""

from __future__ import annotations

from dataclasses import dataclass

INCH = 25.4


@dataclass(frozen=True)
class LabelLayout:
    name: str
    title: str
    label_w: float  # mm
    label_h: float
    page_w: float | None = None  # None: a roll, one label per page
    page_h: float | None = None
    columns: int = 1
    rows: int = 1
    left: float = 0.0  # page edge to the first label
    top: float = 0.0
    pitch_x: float = 0.0  # label origin to the next label's origin
    pitch_y: float = 0.0
    padding: float = 2.0  # kept blank inside each label edge (die-cut tolerance)
    printer_dpi: int = 300  # what it is usually printed at

    @property
    def is_sheet(self) -> bool:
        return self.page_w is not None

    @property
    def per_page(self) -> int:
        return self.columns * self.rows

    @property
    def page_size(self) -> tuple[float, float]:
        if self.page_w is None or self.page_h is None:
            return self.label_w, self.label_h
        return self.page_w, self.page_h

    def origin(self, slot: int) -> tuple[float, float]:
        """Top-left corner (mm) of the label in `slot` (0-based, row by row) on its page."""
        if not self.is_sheet:
            return 0.0, 0.0
        row, col = divmod(slot % self.per_page, self.columns)
        return self.left + col * self.pitch_x, self.top + row * self.pitch_y


LAYOUTS: dict[str, LabelLayout] = {lay.name: lay for lay in (
    # Avery L7160 and equivalents: 21 labels of 63.5 x 38.1 mm
    LabelLayout("a4-3x7", "A4 sheet, 3 x 7 (63.5 x 38.1 mm, Avery L7160)", 63.5, 38.1,
                210.0, 297.0, 3, 7, left=7.2, top=15.1, pitch_x=66.0, pitch_y=38.1),
    # 30 labels of 70 x 29.7 mm, edge to edge (Herma 4615 and equivalents)
    LabelLayout("a4-3x10", "A4 sheet, 3 x 10 (70 x 29.7 mm)", 70.0, 29.7, 210.0, 297.0, 3, 10,
                left=0.0, top=0.0, pitch_x=70.0, pitch_y=29.7, padding=3.0),
    # Avery 5160: 30 labels of 2 5/8 x 1 in
    LabelLayout("letter-3x10", "Letter sheet, 3 x 10 (2 5/8 x 1 in, Avery 5160)",
                2.625 * INCH, 1.0 * INCH, 8.5 * INCH, 11.0 * INCH, 3, 10,
                left=0.1875 * INCH, top=0.5 * INCH, pitch_x=2.75 * INCH, pitch_y=1.0 * INCH,
                padding=1.8),
    # 21 labels of 2 5/8 x 1 3/8 in
    LabelLayout("letter-3x7", "Letter sheet, 3 x 7 (2 5/8 x 1 3/8 in)",
                2.625 * INCH, 1.375 * INCH, 8.5 * INCH, 11.0 * INCH, 3, 7,
                left=0.1875 * INCH, top=0.6875 * INCH, pitch_x=2.75 * INCH,
                pitch_y=1.375 * INCH),
    # Brother QL 62 mm roll, die-cut 62 x 29 mm (DK-11209)
    LabelLayout("roll-62mm", "62 mm roll, 62 x 29 mm (Brother QL)", 62.0, 29.0, padding=1.5),
    # Zebra / Dymo 2.25 x 1.25 in
    LabelLayout("roll-2.25x1.25", "2.25 x 1.25 in roll (Zebra, Dymo)", 2.25 * INCH,
                1.25 * INCH, padding=1.5, printer_dpi=203),
)}

DEFAULT_LAYOUT = "a4-3x7"


def get_layout(name: str) -> LabelLayout:
    key = name.strip().lower()
    if key not in LAYOUTS:
        raise ValueError(f"No label layout '{name}'. Use one of: {', '.join(LAYOUTS)}.")
    return LAYOUTS[key]
