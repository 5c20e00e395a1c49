"""ZPL for Zebra printers, and `python main.py labels ...`."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from ui.labels.content import LabelContent
from ui.labels.layouts import LAYOUTS
from ui.labels.symbols import LabelError
from ui.labels.zpl import escape, labels_zpl

ROOT = Path(__file__).resolve().parent.parent


def _blocks(text: str) -> list[str]:
    return re.findall(r"\^XA.*?\^XZ", text, flags=re.S)


@pytest.mark.parametrize("symbology,command", [("code128", "^BC"), ("qr", "^BQ"),
                                               ("datamatrix", "^BX")])
@pytest.mark.parametrize("layout", ["roll-2.25x1.25", "roll-62mm", "a4-3x7"])
def test_zpl_blocks(layout, symbology, command):
    items = [LabelContent("IT-000123", "Dell Latitude 7440"), LabelContent("E1", "Ann ^Lee~")]
    text = labels_zpl(items, LAYOUTS[layout], symbology, dpi=203)
    blocks = _blocks(text)
    assert len(blocks) == 2
    lay = LAYOUTS[layout]
    width, height = round(lay.label_w * 8), round(lay.label_h * 8)
    for block, item in zip(blocks, items, strict=True):
        w, h = map(int, re.search(r"\^PW(\d+)\^LL(\d+)", block).groups())
        assert abs(w - width) <= 2 and abs(h - height) <= 2
        assert block.count(command) == 1
        for x, y in re.findall(r"\^FO(\d+),(\d+)", block):
            assert 0 <= int(x) < w and 0 <= int(y) < h
        data = re.findall(r"\^FD(.*?)\^FS", block)
        symbol_data = data[0].removeprefix("MA,")
        assert symbol_data == escape(item.code)
        assert "^Lee" not in block  # never read as a command
        assert ("_5ELee_7E" in block) == (item.code == "E1")
        if symbology == "code128":
            module, _, bar_h = map(int, re.search(r"\^BY(\d+),(\d+),(\d+)", block).groups())
            assert module / 8 >= 0.19 - 1e-9  # dots at 203 dpi: 8 per mm
            bars_top = int(re.search(r"\^FO\d+,(\d+)\^BY", block).group(1))
            text_top = min(int(y) for y in re.findall(r"\^FO\d+,(\d+)\^A0", block))
            assert text_top >= bars_top + bar_h  # human-readable text under the bars


def test_zpl_refuses_what_it_cannot_print():
    with pytest.raises(LabelError, match="too long"):
        labels_zpl([LabelContent("X" * 60)], LAYOUTS["roll-2.25x1.25"], "code128")
    with pytest.raises(LabelError, match="No labels"):
        labels_zpl([], LAYOUTS["roll-62mm"])


def _labels(url, *args):
    return subprocess.run([sys.executable, "main.py", "--database", url, "labels", *args],
                          cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env={**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"})


@pytest.mark.every_demo_date
def test_labels_command(demo_url, tmp_path):
    out = tmp_path / "shelf.pdf"
    done = _labels(demo_url, "assets", "--location", "LOC-HQ-SR", "--status", "in_stock",
                   "--layout", "a4-3x7", "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert re.match(r"\d+ labels \(assets, code128\) on \d+ pages? of A4", done.stdout)
    assert out.read_bytes().startswith(b"%PDF")
    cmds = _labels(demo_url, "commands", "--layout", "letter-3x10", "--symbology", "qr",
                   "-o", str(tmp_path / "commands.pdf"))
    assert cmds.returncode == 0 and "19 labels (commands, qr) on 1 page" in cmds.stdout
    badges = _labels(demo_url, "people", "--filter", "Haddad", "--layout", "roll-2.25x1.25",
                     "--zpl", "-")
    assert badges.returncode == 0 and badges.stdout.startswith("^XA")
    shelves = _labels(demo_url, "locations", "--kind", "stockroom", "--symbology",
                      "datamatrix", "--zpl", str(tmp_path / "bins.zpl"))
    assert shelves.returncode == 0 and (tmp_path / "bins.zpl").read_text().count("^XZ") >= 5
    for args, message in ((["assets", "--layout", "a4-3x7"], "say where the labels go"),
                          (["assets", "--status", "nope", "-o", str(out)], "Status 'nope'"),
                          (["assets", "--filter", "no such thing", "-o", str(out)],
                           "No labels")):
        failed = _labels(demo_url, *args)
        assert failed.returncode != 0 and message in failed.stderr, failed.stderr
        assert "Traceback" not in failed.stderr
