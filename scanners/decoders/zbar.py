"""pyzbar over the system libzbar: a second decoder, used only where libzbar is installed.

It reads small EAN/UPC well. pyzbar's own ``decode()`` hides zbar's symbol
modifiers, so GS1-128 could not be told from plain Code 128; this module walks
the symbols itself to read the GS1 flag. Interleaved 2 of 5 is left out: zbar
finds it in noise.
"""

from __future__ import annotations

import ctypes
import logging
from collections.abc import Set as AbstractSet

import numpy as np

from scanners.decoders import Decoded

log = logging.getLogger(__name__)

NAME = "pyzbar"

try:
    from pyzbar import wrapper as _zw
except Exception as exc:  # ImportError when libzbar is missing, OSError when it is broken
    _zw = None
    UNAVAILABLE_REASON: str | None = f"libzbar not usable ({exc})"
else:
    UNAVAILABLE_REASON = None

_GS1_MODIFIER = 1 << 0  # ZBAR_MOD_GS1
_L800 = 808466521  # zbar fourcc for 8-bit grey

if _zw is not None:
    _get_modifiers = _zw.zbar_function(
        "zbar_symbol_get_modifiers", ctypes.c_uint, ctypes.POINTER(_zw.zbar_symbol))
    _S = _zw.ZBarSymbol
    _SYMBOLOGY = {
        _S.EAN13: ("ean13", "ean13"),
        _S.EAN8: ("ean8", "ean8"),
        _S.UPCA: ("upca", "upca"),
        _S.UPCE: ("upce", "upce"),
        _S.CODE128: ("code128", "gs1-128"),
        _S.CODE39: ("code39", "code39"),
        _S.QRCODE: ("qr", "gs1-qr"),
    }
    _BY_NAME: dict[str, int] = {}
    for _sym, _names in _SYMBOLOGY.items():
        for _name in _names:
            _BY_NAME[_name] = _sym


def available() -> bool:
    """True when libzbar loaded."""
    return _zw is not None


def read(gray: np.ndarray, symbologies: AbstractSet[str], *, rows_only: bool = False
         ) -> list[Decoded]:
    """Decode ``gray`` (uint8, one channel) for the symbologies zbar handles well.

    ``rows_only`` scans every other row and no columns: for a straightened crop
    whose bars are upright, at a third of the cost.
    """
    if _zw is None:
        return []
    wanted = sorted({_BY_NAME[n] for n in symbologies if n in _BY_NAME})
    if not wanted:
        return []
    gray = np.ascontiguousarray(gray, dtype=np.uint8)
    height, width = gray.shape[:2]
    scanner = _zw.zbar_image_scanner_create()
    image = _zw.zbar_image_create()
    try:
        _zw.zbar_image_scanner_set_config(scanner, 0, _zw.ZBarConfig.CFG_ENABLE, 0)
        for sym in wanted:
            _zw.zbar_image_scanner_set_config(scanner, sym, _zw.ZBarConfig.CFG_ENABLE, 1)
        if rows_only:
            _zw.zbar_image_scanner_set_config(scanner, 0, _zw.ZBarConfig.CFG_X_DENSITY, 0)
            _zw.zbar_image_scanner_set_config(scanner, 0, _zw.ZBarConfig.CFG_Y_DENSITY, 2)
        _zw.zbar_image_set_format(image, _L800)
        _zw.zbar_image_set_size(image, width, height)
        data = gray.tobytes()
        pointer = ctypes.cast(ctypes.c_char_p(data), ctypes.c_void_p)
        _zw.zbar_image_set_data(image, pointer, len(data), None)
        if _zw.zbar_scan_image(scanner, image) < 0:
            return []
        return list(_symbols(image))
    finally:
        _zw.zbar_image_destroy(image)
        _zw.zbar_image_scanner_destroy(scanner)


def _symbols(image):
    symbol = _zw.zbar_image_first_symbol(image)
    while symbol:
        names = _SYMBOLOGY.get(symbol.contents.type)
        if names is not None:
            raw = ctypes.string_at(_zw.zbar_symbol_get_data(symbol),
                                   _zw.zbar_symbol_get_data_length(symbol))
            gs1 = bool(_get_modifiers(symbol) & _GS1_MODIFIER)
            points = [(_zw.zbar_symbol_get_loc_x(symbol, i), _zw.zbar_symbol_get_loc_y(symbol, i))
                      for i in range(_zw.zbar_symbol_get_loc_size(symbol))]
            yield Decoded(raw.decode("utf-8", errors="replace"), names[1] if gs1 else names[0],
                          _box(points))
        symbol = _zw.zbar_symbol_next(symbol)


def _box(points: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Four corners around zbar's location points (a scan-line polyline for 1-D codes)."""
    if not points:
        return []
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    return [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]
