"""Image files are bounded before decoding: a tiny file declaring a huge picture, a huge
real picture, and a huge video frame are refused with one line that says what to do."""

from __future__ import annotations

import struct
import subprocess
import sys
import zlib
from pathlib import Path

import cv2
import numpy as np
import pytest

from scanners.camera import CameraScanner
from scanners.capture import SourceError, open_source
from scanners.images import MAX_PIXELS

ROOT = Path(__file__).resolve().parent.parent


def png_claiming(path: Path, width: int, height: int) -> Path:
    """A valid, tiny PNG whose header declares ``width`` x ``height`` grey pixels."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    data = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b""))
    path.write_bytes(data)
    return path


def decode_in_subprocess(path: Path) -> tuple[subprocess.CompletedProcess, int]:
    """``main.py decode PATH`` as a user runs it; also its peak memory in MiB."""
    # VmHWM (peak resident memory of this program's own address space): ru_maxrss would
    # carry over the pytest process's figure through fork and exec.
    program = ("import runpy, sys\n"
               f"sys.argv = ['main.py', 'decode', {str(path)!r}]\n"
               "try:\n"
               "    runpy.run_path('main.py', run_name='__main__')\n"
               "finally:\n"
               "    hwm = [ln for ln in open('/proc/self/status') if ln.startswith('VmHWM')]\n"
               "    print('maxrss', hwm[0].split()[1], file=sys.stderr)\n")
    result = subprocess.run([sys.executable, "-c", program], cwd=ROOT, capture_output=True,
                            text=True, timeout=120)
    rss_line = [ln for ln in result.stderr.splitlines() if ln.startswith("maxrss")][-1]
    return result, int(rss_line.split()[1]) // 1024


def test_a_tiny_png_claiming_60000_square_gets_one_line_not_a_crash(tmp_path):
    path = png_claiming(tmp_path / "bomb.png", 60000, 60000)
    assert path.stat().st_size < 200
    result, peak_mib = decode_in_subprocess(path)
    assert result.returncode == 2
    lines = [ln for ln in result.stderr.splitlines() if not ln.startswith("maxrss")]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"decode: {path}: declares 3,600 megapixels")
    assert "Crop it to the label or scale it down" in lines[0]
    assert "Traceback" not in result.stderr
    assert peak_mib < 400


def test_a_png_over_the_limit_but_under_pillows_own_names_its_size(tmp_path):
    path = png_claiming(tmp_path / "big.png", 8000, 6000)
    from scanners.files import decode_file

    with pytest.raises(SourceError, match=r"is 8000 × 6000 pixels \(48 megapixels\); images "
                       r"up to 40 megapixels are read"):
        decode_file(path)


def test_a_huge_real_image_is_refused_without_taking_gigabytes(tmp_path):
    """A real 9000 x 5000 photo (45 MP, which would be 135 MB as BGR and more in decoding)."""
    path = tmp_path / "huge.png"
    big = np.full((5000, 9000), 255, np.uint8)
    cv2.putText(big, "huge", (100, 2500), cv2.FONT_HERSHEY_SIMPLEX, 40, 0, 60)
    assert cv2.imwrite(str(path), big)
    del big
    assert 9000 * 5000 > MAX_PIXELS
    result, peak_mib = decode_in_subprocess(path)
    assert result.returncode == 2
    assert f"decode: {path}: is 9000 × 5000 pixels (45 megapixels)" in result.stderr
    assert peak_mib < 400, f"refusing it took {peak_mib} MiB"


def test_an_image_just_under_the_limit_is_still_decoded(tmp_path):
    from scanners.files import decode_file
    from scanners.synthetic import render_label

    label = render_label("code128", "IT-000321", 3)
    canvas = np.full((4000, 9000), 255, np.uint8)  # 36 MP
    canvas[100:100 + label.shape[0], 100:100 + label.shape[1]] = label
    path = tmp_path / "wide.png"
    cv2.imwrite(str(path), canvas)
    assert [c.text for c in decode_file(path)] == ["IT-000321"]


def test_an_oversized_image_as_a_camera_source_is_a_clear_error(qtbot, tmp_path):
    path = png_claiming(tmp_path / "bomb.png", 60000, 60000)
    with pytest.raises(SourceError, match="megapixels"):
        open_source(path)
    scanner = CameraScanner(pace=False)
    states = []
    scanner.state_changed.connect(states.append)
    scanner.start(path)
    qtbot.waitUntil(lambda: any(s.startswith("error") for s in states), timeout=10000)
    scanner.stop()
    assert states[0].startswith(f"error: {path}: declares 3,600 megapixels")

