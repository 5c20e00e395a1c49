"""Every label, rendered to an image, decodes back to its text with the project's own
decoder; on every layout and symbology. Text never overprints the bars; quiet zones
stay blank."""

from __future__ import annotations

import shutil
import subprocess

import numpy as np
import pytest
from PySide6.QtCore import QRectF

from scanners.decode import decode_image
from ui.labels.content import LabelContent, command_labels
from ui.labels.layouts import LAYOUTS
from ui.labels.render import (
    image_array,
    label_rect,
    page_count,
    page_image,
    plan_label,
    save_pdf,
)
from ui.labels.symbols import SYMBOLOGIES, LabelError, encode

CONTENTS = [
    LabelContent("IT-000123", "Dell Latitude 7440 · SN 5CG1234XYZ", "asset"),
    LabelContent("LOC-HQ-A1", "HQ shelf A1", "location"),
    LabelContent("E10001", "Ann Lee · Finance", "person"),
    LabelContent("IT-2024-LONG-77", "A model name much too long to fit on one small label "
                 "without being shortened", "asset"),
    *command_labels()[:4],
    LabelContent("CMD:QTY:10", "Quantity 10", "command"),
]


@pytest.fixture(scope="module", autouse=True)
def gui(qapp):
    """Fonts and painting need the application object (pytest-qt's, shared)."""
    return qapp


def _labels_on_page(layout, contents, symbology, page, dpi):
    img = image_array(page_image(layout, contents, symbology, page=page, dpi=dpi))
    px_mm = dpi / 25.4
    per = layout.per_page if layout.is_sheet else 1
    for slot in range(page * per, min((page + 1) * per, len(contents))):
        rect = label_rect(layout, slot, px_mm)
        yield slot, rect, img, px_mm


def _crop(img: np.ndarray, r: QRectF) -> np.ndarray:
    return img[max(0, int(r.top())):int(r.bottom()), max(0, int(r.left())):int(r.right())]


@pytest.mark.parametrize("symbology", SYMBOLOGIES)
@pytest.mark.parametrize("layout_name", list(LAYOUTS))
def test_every_label_decodes_to_its_text(layout_name, symbology):
    layout = LAYOUTS[layout_name]
    dpi = layout.printer_dpi
    pages = page_count(layout, len(CONTENTS))
    seen = []
    for page in range(pages):
        for slot, rect, img, px_mm in _labels_on_page(layout, CONTENTS, symbology, page, dpi):
            content = CONTENTS[slot]
            found = decode_image(_crop(img, rect), {symbology})
            assert [d.text for d in found] == [content.code], (slot, content.code, found)
            assert found[0].symbology == symbology
            # geometry: text rectangles never meet the symbol and its quiet zones
            g = plan_label(content, encode(content.code, symbology), rect, px_mm,
                           layout.padding)
            assert g.label.contains(g.symbol_area)
            for line in g.text:
                assert not line.rect.intersects(g.symbol_area), (content.code, line.text)
                assert g.label.contains(line.rect)
            # pixels: inside the symbol area, only the modules are dark
            area = _crop(img, g.symbol_area).copy()
            b = g.bars
            area[b.top() - int(g.symbol_area.top()):b.bottom() + 1 - int(g.symbol_area.top()),
                 b.left() - int(g.symbol_area.left()):b.right() + 1 - int(
                     g.symbol_area.left())] = 255
            assert area.min() == 255, f"ink in the quiet zone of {content.code}"
            seen.append(content.code)
    assert seen == [c.code for c in CONTENTS]


def test_a_sheet_started_part_way(tmp_path):
    layout = LAYOUTS["a4-3x7"]
    items = CONTENTS[:3]
    assert page_count(layout, 20, start=2) == 2
    img = image_array(page_image(layout, items, "code128", start=19))
    for slot, item in zip((19, 20), items[:2], strict=True):
        rect = label_rect(layout, slot, 300 / 25.4)
        assert [d.text for d in decode_image(_crop(img, rect), {"code128"})] == [item.code]
    assert _crop(img, label_rect(layout, 0, 300 / 25.4)).min() == 255  # used label: blank
    second = image_array(page_image(layout, items, "code128", page=1, start=19))
    rect = label_rect(layout, 0, 300 / 25.4)
    assert [d.text for d in decode_image(_crop(second, rect))] == [items[2].code]


def test_pdf_round_trip(tmp_path):
    layout = LAYOUTS["letter-3x10"]
    path = tmp_path / "labels.pdf"
    assert save_pdf(path, layout, CONTENTS * 4, "code128") == 2
    data = path.read_bytes()
    assert data.startswith(b"%PDF")
    import re

    boxes = re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", data)
    assert [(float(w), float(h)) for w, h in boxes] == [(612.0, 792.0)] * 2  # Letter
    gs = shutil.which("gs")
    if gs is None:
        pytest.skip("Ghostscript is not installed: the PDF was written but not rasterised")
    png = tmp_path / "page.png"
    subprocess.run([gs, "-q", "-dNOPAUSE", "-dBATCH", "-sDEVICE=pnggray", "-r300",
                    "-dFirstPage=1", "-dLastPage=1", f"-sOutputFile={png}", str(path)],
                   check=True, timeout=60)
    from PIL import Image

    img = np.asarray(Image.open(png).convert("L"))
    for slot in range(30):
        rect = label_rect(layout, slot, 300 / 25.4)
        code = (CONTENTS * 4)[slot].code
        assert [d.text for d in decode_image(_crop(img, rect), {"code128"})] == [code]


def test_codes_that_cannot_be_printed_are_explained():
    small = LAYOUTS["roll-2.25x1.25"]
    with pytest.raises(LabelError, match="too long for code128"):
        page_image(small, [LabelContent("X" * 40)], "code128")
    page_image(small, [LabelContent("X" * 40)], "datamatrix")  # the suggested way out
    with pytest.raises(LabelError, match="Code 128 cannot hold"):
        encode("Müller", "code128")
    with pytest.raises(LabelError, match="Unknown symbology"):
        encode("x", "pdf417")
    with pytest.raises(LabelError, match="No labels"):
        save_pdf("/nonexistent/x.pdf", small, [], "code128")
