"""Render the application icon from its SVG source to what each platform needs.

    QT_QPA_PLATFORM=offscreen .venv/bin/python tools/make_icons.py

Reads resources/app/stockroom.svg and writes, beside it: PNGs at the hicolor sizes
(Linux desktop entry, window icon), stockroom.ico (Windows: 16-256 px in one file) and
stockroom.icns (macOS). The outputs are committed; run this again after editing the SVG
(tests/test_app_icon.py fails while they are older than the source).
"""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from resources.app_icon import ICON_DIR, PNG_SIZES, SVG  # noqa: E402

ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)


def render(size: int) -> bytes:
    """The SVG drawn at size × size, as PNG bytes."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    QSvgRenderer(str(SVG)).render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data)


def main() -> int:
    from PIL import Image
    from PySide6.QtGui import QGuiApplication

    QGuiApplication(sys.argv[:1])
    images = {}
    for size in sorted(set(PNG_SIZES) | set(ICO_SIZES) | {1024}):
        images[size] = Image.open(io.BytesIO(render(size)))
        if size in PNG_SIZES:
            path = ICON_DIR / f"stockroom-{size}.png"
            path.write_bytes(render(size))
            print(f"wrote {path.relative_to(ROOT)}")
    largest = images[256]
    largest.save(ICON_DIR / "stockroom.ico", sizes=[(s, s) for s in ICO_SIZES],
                 append_images=[images[s] for s in ICO_SIZES if s != 256])
    images[1024].save(ICON_DIR / "stockroom.icns",
                      append_images=[images[s] for s in (16, 32, 64, 128, 256, 512)])
    print("wrote resources/app/stockroom.ico, resources/app/stockroom.icns")
    return 0


if __name__ == "__main__":
    sys.exit(main())
