"""`python main.py decode PATH ...` on generated photos and videos."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

from scanners import cli
from scanners.synthetic import DISTORTIONS, blank_frame, composite, render_label, write_video

ROOT = Path(__file__).resolve().parent.parent


def run_decode(capsys, *argv: str) -> tuple[int, list[str], str]:
    parser = argparse.ArgumentParser()
    cli.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["decode", *argv])
    code = args.func(args)
    out, err = capsys.readouterr()
    return code, out.splitlines(), err


def photo(path: Path, symbology: str, content: str, distortion: str = "webcam",
          seed: int = 1) -> Path:
    module = 6 if symbology in {"qr", "datamatrix", "gs1-datamatrix", "gs1-qr"} else 2
    frame, _ = composite(render_label(symbology, content, module), DISTORTIONS[distortion],
                         np.random.default_rng(seed))
    cv2.imwrite(str(path), frame)
    return path


def test_photo_of_a_gs1_label_prints_human_readable(capsys, tmp_path):
    path = photo(tmp_path / "label.jpg", "gs1-128", "(01)09501101530003(21)SER0001", "clean")
    code, lines, err = run_decode(capsys, str(path))
    assert code == 0 and err == ""
    assert lines == [f"{path}\tgs1-128\t(01)09501101530003(21)SER0001"]


def test_several_files_one_line_per_code_and_nothing_for_a_blank(capsys, tmp_path):
    a = photo(tmp_path / "a.png", "code128", "IT-000123")
    blank = tmp_path / "blank.png"
    cv2.imwrite(str(blank), blank_frame(np.random.default_rng(2)))
    b = photo(tmp_path / "b.jpg", "qr", "line one\nline\ttwo", "clean", seed=3)
    code, lines, err = run_decode(capsys, str(a), str(blank), str(b))
    assert code == 0
    assert lines == [f"{a}\tcode128\tIT-000123", f"{b}\tqr\tline one\\nline\\ttwo"]


def test_a_video_lists_each_code_once(capsys, tmp_path):
    rng = np.random.default_rng(4)
    first, _ = composite(render_label("ean13", "9501101530003", 2), DISTORTIONS["clean"], rng)
    second, _ = composite(render_label("datamatrix", "SN:5CG1234XYZ", 6), DISTORTIONS["clean"],
                          rng)
    video = write_video(tmp_path / "shelf.avi", [first] * 4 + [second] * 4)
    code, lines, err = run_decode(capsys, str(video))
    assert code == 0
    assert lines == [f"{video}\tean13\t9501101530003", f"{video}\tdatamatrix\tSN:5CG1234XYZ"]


def test_formats_option_limits_the_output(capsys, tmp_path):
    path = photo(tmp_path / "label.png", "code128", "IT-1", "clean")
    assert run_decode(capsys, "--formats", "qr", str(path))[:2] == (0, [])
    code, lines, err = run_decode(capsys, "--formats", "nonsense", str(path))
    assert code == 2 and "unknown symbology nonsense" in err


@pytest.mark.parametrize(("name", "content", "message"), [
    ("notes.txt", "hello", "not an image or video file"),
    ("fake.png", "not a png", "not an image or video file"),
    ("missing.jpg", None, "no such file"),
])
def test_files_that_are_not_images_get_one_clear_line(capsys, tmp_path, name, content, message):
    path = tmp_path / name
    if content is not None:
        path.write_text(content)
    good = photo(tmp_path / "good.png", "ean8", "96385074", "clean")
    code, lines, err = run_decode(capsys, str(path), str(good))
    assert code == 2
    assert err == f"decode: {path}: {message}\n"
    assert lines == [f"{good}\tean8\t96385074"], "the other files are still decoded"


def test_main_decode_without_libzbar_still_reads_and_says_which_decoder(tmp_path):
    """libzbar missing: zxing-cpp alone, and -v says so. Through main.py, as a user runs it."""
    path = photo(tmp_path / "label.png", "upca", "036000291452", "clean")
    program = ("import sys, runpy; sys.modules['pyzbar'] = None; "
               f"sys.argv = ['main.py', 'decode', '-v', {str(path)!r}]; "
               "runpy.run_path('main.py', run_name='__main__')")
    result = subprocess.run([sys.executable, "-c", program], cwd=ROOT, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"{path}\tupca\t036000291452\n"
    said = result.stderr.strip().splitlines()[-1]
    assert said.startswith("decoders: zxing-cpp (libzbar not usable")
