"""Decode the codes in an image or video file (for ``main.py decode`` and scripts)."""

from __future__ import annotations

import os
from pathlib import Path

from scanners.capture import SourceError, VideoFileSource
from scanners.decode import Decoded, decode_image
from scanners.errors import TooLarge
from scanners.images import load_image


def decode_file(path: str | Path, formats: set[str] | None = None,
                every: int = 1) -> list[Decoded]:
    """Every distinct code in an image, or in a video (every ``every``-th frame), in order.

    Raises SourceError, with a message for a person, when the file is missing or is
    neither an image nor a video OpenCV can read, or declares more pixels than
    ``scanners.images.MAX_PIXELS``.
    """
    path = str(path)
    if os.path.isdir(path):
        raise SourceError(f"{path}: is a folder, not an image or video file")
    if not os.path.isfile(path):
        raise SourceError(f"{path}: no such file")
    if not os.access(path, os.R_OK):
        raise SourceError(f"{path}: not allowed to read it")
    image = load_image(path)
    if image is not None:
        return decode_image(image, formats)
    try:
        source = VideoFileSource(path, pace=False)
    except TooLarge:
        raise
    except SourceError:
        raise SourceError(f"{path}: not an image or video file") from None
    found: list[Decoded] = []
    seen: set[tuple[str, str]] = set()
    frames = 0
    try:
        while (frame := source.read()) is not None:
            frames += 1
            if frame.index % max(every, 1):
                continue
            for code in decode_image(frame.image, formats):
                if (code.text, code.symbology) not in seen:
                    seen.add((code.text, code.symbology))
                    found.append(code)
    finally:
        source.close()
    if frames == 0:
        raise SourceError(f"{path}: not an image or video file")
    return found
