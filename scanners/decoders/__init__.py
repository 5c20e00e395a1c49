"""Barcode decoders behind one result type.

``zxing`` (zxing-cpp, always present) is the main decoder; ``zbar`` (pyzbar over
the system's libzbar) is used where the library is installed; ``regions`` finds
candidate 1-D code regions with OpenCV and straightens them for a second try.
``scanners.decode`` chains them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

Point = tuple[int, int]


@dataclass(frozen=True)
class Decoded:
    """One code found in an image.

    ``text`` keeps GS1 separators (``\\x1d``) and has no AIM prefix; the
    symbology tells whether it is GS1. ``outline`` is four (x, y) corners in
    image coordinates, clockwise from the top left of the code.
    """

    text: str
    symbology: str
    outline: list[Point] = field(default_factory=list, compare=False)
