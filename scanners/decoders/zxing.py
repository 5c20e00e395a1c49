"""zxing-cpp: the default decoder (self-contained wheel, reads 1-D, QR, DataMatrix, GS1)."""

from __future__ import annotations

from collections.abc import Set as AbstractSet

import numpy as np
import zxingcpp

from scanners.decoders import Decoded

_F = zxingcpp.BarcodeFormat

FORMATS: dict[str, zxingcpp.BarcodeFormat] = {
    "code128": _F.Code128,
    "gs1-128": _F.Code128,
    "code39": _F.Code39,
    "ean13": _F.EAN13,
    "ean8": _F.EAN8,
    "upca": _F.UPCA,
    "upce": _F.UPCE,
    "itf": _F.ITF,
    "qr": _F.QRCode,
    "gs1-qr": _F.QRCode,
    "datamatrix": _F.DataMatrix,
    "gs1-datamatrix": _F.DataMatrix,
}

_SYMBOLOGY = {
    _F.Code128: ("code128", "gs1-128"),
    _F.Code39: ("code39", "code39"),
    _F.Code39Std: ("code39", "code39"),
    _F.EAN13: ("ean13", "ean13"),
    _F.EAN8: ("ean8", "ean8"),
    _F.UPCA: ("upca", "upca"),
    _F.UPCE: ("upce", "upce"),
    _F.ITF: ("itf", "itf"),
    _F.ITF14: ("itf", "itf"),
    _F.QRCode: ("qr", "gs1-qr"),
    _F.QRCodeModel2: ("qr", "gs1-qr"),
    _F.DataMatrix: ("datamatrix", "gs1-datamatrix"),
}

NAME = "zxing-cpp"


def formats_for(symbologies: AbstractSet[str]) -> list[zxingcpp.BarcodeFormat]:
    """zxing-cpp formats to enable for our symbology names."""
    seen: list[zxingcpp.BarcodeFormat] = []
    for name in sorted(symbologies):
        fmt = FORMATS.get(name)
        if fmt is not None and fmt not in seen:
            seen.append(fmt)
    return seen


def read(gray: np.ndarray, formats: list[zxingcpp.BarcodeFormat], *, try_rotate: bool = True,
         try_invert: bool = False, try_downscale: bool = True,
         fixed_threshold: bool = False) -> list[Decoded]:
    """Decode ``gray`` (uint8, one channel) with the given formats.

    ``fixed_threshold`` binarises at grey level 128 instead of a local average (for
    the one-line profiles of ``recovery``).
    """
    if not formats:
        return []
    found = zxingcpp.read_barcodes(
        gray, formats=formats,  # type: ignore[arg-type] # a list works as the flag set
        try_rotate=try_rotate, try_invert=try_invert,
        try_downscale=try_downscale, text_mode=zxingcpp.TextMode.Plain,
        binarizer=(zxingcpp.Binarizer.FixedThreshold if fixed_threshold
                   else zxingcpp.Binarizer.LocalAverage),
    )
    results = []
    for code in found:
        names = _SYMBOLOGY.get(code.format)
        if names is None or not code.valid:
            continue
        gs1 = code.content_type == zxingcpp.ContentType.GS1
        pos = code.position
        outline = [(int(p.x), int(p.y)) for p in
                   (pos.top_left, pos.top_right, pos.bottom_right, pos.bottom_left)]
        results.append(Decoded(code.text, names[1] if gs1 else names[0], outline))
    return results
