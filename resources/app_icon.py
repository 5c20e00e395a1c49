"""Where the application icon's files are (resources/app): the SVG source and its renderings."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

# The hicolor sizes a Linux desktop looks for; the window icon carries all of them.
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def _folder() -> Path:
    return Path(str(resources.files("resources") / "app"))


ICON_DIR = _folder()
SVG = ICON_DIR / "stockroom.svg"
DESKTOP_FILE = ICON_DIR / "stockroom.desktop"


def png(size: int) -> Path:
    """The icon rendered at size × size pixels (one of PNG_SIZES)."""
    return ICON_DIR / f"stockroom-{size}.png"
