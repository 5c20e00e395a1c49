"""Frames for the decode benchmark: both corpora, printed labels and empty desks.

Printed labels are the app's own (``ui.labels``: the painter code that writes the
PDF, at the printer's resolution), cropped one by one and "photographed" by
``scanners.webcam_corpus.photograph`` under a class drawn at random. This lives
in bench/ because ``scanners`` does not import ``ui``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from scanners import synthetic, webcam_corpus


@dataclass
class Frame:
    group: str  # "synthetic", "webcam", "labels", "empty"
    cls: str  # distortion or class
    symbology: str
    expected: str | None  # None: nothing should be read
    image: np.ndarray


_GS1_RAW = {"gs1-128": "010950110153000321SER0001"}


def synthetic_frames(seed: int, per_cell: int) -> Iterator[Frame]:
    for s in synthetic.corpus(seed, sorted(synthetic.SAMPLE_CONTENT), synthetic.DISTORTIONS,
                              per_cell):
        yield Frame("synthetic", s.distortion, s.symbology, s.content, s.frame)


def webcam_frames(seed: int, per_cell: int, gain: float = 1.0) -> Iterator[Frame]:
    for s in webcam_corpus.corpus(seed, per_cell=per_cell, gain=gain):
        yield Frame("webcam", s.cls, s.symbology, s.expected, s.frame)


def label_frames(seed: int, count: int, gain: float = 1.0) -> Iterator[Frame]:
    """App labels (Code 128 asset tags on A4 sheets and 62 mm rolls), photographed."""
    from PySide6.QtWidgets import QApplication

    from ui.labels.content import LabelContent
    from ui.labels.layouts import LAYOUTS
    from ui.labels.render import image_array, label_rect, page_image, plan_label
    from ui.labels.symbols import encode

    _app = QApplication.instance() or QApplication([])
    rng = np.random.default_rng(seed)
    classes = list(webcam_corpus.CLASSES)
    for i in range(count):
        layout = LAYOUTS[("a4-3x7", "roll-62mm", "letter-3x10")[i % 3]]
        tag = f"IT-{int(rng.integers(0, 10**6)):06d}"
        content = LabelContent(tag, "Dell Latitude 7440 · SN 5CG1234XYZ", "asset")
        dpi = layout.printer_dpi
        px_mm = dpi / 25.4
        page = image_array(page_image(layout, [content], "code128", dpi=dpi))
        rect = label_rect(layout, 0, px_mm)
        label = page[int(rect.top()):int(rect.bottom()), int(rect.left()):int(rect.right())]
        module = plan_label(content, encode(tag, "code128"), rect, px_mm, layout.padding).module
        cls = classes[int(rng.integers(0, len(classes)))]
        # The label's own module in mm replaces the class's printed-module range.
        shot = webcam_corpus.CLASSES[cls]
        mm = module / px_mm
        from dataclasses import replace

        shot = replace(shot, module_mm=(mm, mm))
        frame, _corners, _params = webcam_corpus.photograph(label, module, shot, rng, gain=gain)
        yield Frame("labels", cls, "code128", tag, frame)


def empty_frames(seed: int, count: int) -> Iterator[Frame]:
    rng = np.random.default_rng(seed)
    for _ in range(count):
        yield Frame("empty", "empty", "-", None, synthetic.blank_frame(rng))
