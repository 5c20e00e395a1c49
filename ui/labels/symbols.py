"""Barcode symbols as module grids: Code 128 by python-barcode, QR and DataMatrix by
zxing-cpp's writer. Drawing is left to the renderer, which snaps modules to device
pixels so bars stay crisp at any resolution."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SYMBOLOGIES = ("code128", "qr", "datamatrix")
DEFAULT_SYMBOLOGY = "code128"
# Quiet zone each side, in modules: ISO/IEC 15417 (Code 128) 10X, ISO/IEC 18004 (QR) 4X,
# ISO/IEC 16022 (DataMatrix) 1X (we keep 2).
QUIET = {"code128": 10, "qr": 4, "datamatrix": 2}


class LabelError(ValueError):
    """A label that cannot be printed as asked; the message says what to change."""


@dataclass(frozen=True)
class Symbol:
    text: str
    symbology: str
    modules: np.ndarray  # bool; shape (1, n) for a linear code, (rows, cols) for a matrix

    @property
    def linear(self) -> bool:
        return self.symbology == "code128"

    @property
    def quiet(self) -> int:
        return QUIET[self.symbology]

    @property
    def width(self) -> int:
        """Modules across, quiet zones included."""
        return self.modules.shape[1] + 2 * self.quiet

    @property
    def height(self) -> int:
        return self.modules.shape[0] + 2 * self.quiet


def encode(text: str, symbology: str = DEFAULT_SYMBOLOGY) -> Symbol:
    if symbology not in SYMBOLOGIES:
        raise LabelError(f"Unknown symbology '{symbology}'. Use one of: "
                         f"{', '.join(SYMBOLOGIES)}.")
    if not text:
        raise LabelError("Nothing to encode: the label's code is empty.")
    if symbology == "code128":
        if any(ord(c) > 127 for c in text):
            raise LabelError(f"'{text}' has characters Code 128 cannot hold. Use QR or "
                             "DataMatrix for it.")
        from barcode import Code128

        pattern = Code128(text).build()[0]
        modules = np.array([[c == "1" for c in pattern]], dtype=bool)
        return Symbol(text, symbology, modules)
    import zxingcpp

    fmt = {"qr": zxingcpp.BarcodeFormat.QRCode,
           "datamatrix": zxingcpp.BarcodeFormat.DataMatrix}[symbology]
    try:
        code = zxingcpp.create_barcode(text, fmt)
        image = np.asarray(zxingcpp.write_barcode_to_image(code, scale=1,
                                                           add_quiet_zones=False))
    except (RuntimeError, ValueError) as exc:
        raise LabelError(f"Cannot encode '{text}' as {symbology}: {exc}") from exc
    if image.ndim == 3:
        image = image[:, :, 0]
    return Symbol(text, symbology, image < 128)


def runs(row: np.ndarray) -> list[tuple[int, int]]:
    """(start, length) of each dark run in one row of modules."""
    padded = np.concatenate(([False], row, [False])).astype(np.int8)
    edges = np.flatnonzero(np.diff(padded))
    return [(int(s), int(e - s)) for s, e in zip(edges[::2], edges[1::2], strict=True)]
