"""Image files from outside, bounded before they are decoded.

A picture handed to ``main.py decode`` or used as a camera source may be
hostile: a PNG of a few bytes can declare 60000 x 60000 pixels, which would
ask for gigabytes once decoded. The header is read first (Pillow opens lazily)
and the file is refused with a message when it declares more than
``MAX_PIXELS``.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from scanners.errors import TooLarge

MAX_PIXELS = 40_000_000  # 40 megapixels: any phone photo; a 720p frame is 0.9
_BOMB_SIZE = re.compile(r"\((\d+) pixels\)")


def declared_size(path: str | Path) -> tuple[int, int] | None:
    """(width, height) that an image file's header declares, or None when it is no image.

    Raises TooLarge (a SourceError) when the declared size is over ``MAX_PIXELS``.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            with Image.open(path) as image:
                size = image.size
        except Image.DecompressionBombError as exc:  # over Pillow's own hard limit
            found = _BOMB_SIZE.search(str(exc))
            pixels = int(found.group(1)) if found else 2 * (Image.MAX_IMAGE_PIXELS or 0)
            raise TooLarge(_too_large(path, f"declares {pixels / 1e6:,.0f} megapixels")) from None
        except Exception:  # noqa: BLE001 - hostile bytes: any parse failure means "not an image"
            return None
    check_pixels(path, *size)
    return size


def check_pixels(path: str | Path, width: int, height: int) -> None:
    """Raise TooLarge (a SourceError) when ``width`` x ``height`` is more than ``MAX_PIXELS``."""
    if width * height > MAX_PIXELS:
        raise TooLarge(_too_large(
            path, f"is {width} × {height} pixels ({width * height / 1e6:,.0f} megapixels)"))


def _too_large(path: str | Path, what: str) -> str:
    return (f"{path}: {what}; images up to {MAX_PIXELS // 1_000_000} megapixels are read. "
            "Crop it to the label or scale it down, then try again")


def load_image(path: str | Path) -> np.ndarray | None:
    """The image as BGR, its size checked first; None when it is not an image file.

    Raises TooLarge (a SourceError) when it declares too many pixels.
    """
    if declared_size(path) is None:
        return None
    return cv2.imread(str(path), cv2.IMREAD_COLOR)
