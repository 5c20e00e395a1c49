"""Decoding with the real decoders, on labels composited into webcam-like frames."""

from __future__ import annotations

import collections

import cv2
import numpy as np
import pytest
import zxingcpp

from scanners import decode as decode_mod
from scanners.decode import Decoded, decode_image, decoder_names
from scanners.decoders import zbar
from scanners.parse import human_readable
from scanners.synthetic import (
    DISTORTIONS,
    SAMPLE_CONTENT,
    Distortion,
    composite,
    corpus,
    render_label,
    render_retail_label,
)

GS = "\x1d"

# What a correct decoder returns for each sample payload (GS1 raw, with separators).
EXPECTED = {
    "code128": "IT-000123",
    "gs1-128": "010950110153000321SER0001",
    "code39": "LOC-A12",
    "ean13": "9501101530003",
    "ean8": "96385074",
    "upca": "036000291452",
    "upce": "01234565",
    "itf": "15012345678907",
    "qr": "https://stock.example.com/a/IT-000123",
    "gs1-qr": f"010950110153000310LOT42{GS}21SN-77",
    "datamatrix": "SN:5CG1234XYZ",
    "gs1-datamatrix": f"010950110153000317271231" f"10ABC123{GS}21S0042",
}


@pytest.mark.parametrize("symbology", sorted(SAMPLE_CONTENT))
def test_every_symbology_reads_back_with_its_name(symbology):
    label = render_label(symbology, SAMPLE_CONTENT[symbology])
    found = decode_image(label)
    assert [(d.text, d.symbology) for d in found] == [(EXPECTED[symbology], symbology)]


@pytest.mark.parametrize("symbology", ["ean13", "upca", "ean8", "code39"])
def test_python_barcode_labels_with_printed_digits(symbology):
    label = render_retail_label(symbology, SAMPLE_CONTENT[symbology])
    found = decode_image(cv2.cvtColor(label, cv2.COLOR_GRAY2BGR))
    assert [(d.text, d.symbology) for d in found] == [(EXPECTED[symbology], symbology)]


def test_webcam_like_frames_read_well_and_never_wrong():
    """A seeded corpus: every symbology under every distortion, 1280x720 JPEG frames."""
    hits = collections.Counter()
    totals = collections.Counter()
    misreads = []
    for sample in corpus(20240611, sorted(SAMPLE_CONTENT), DISTORTIONS, per_cell=1):
        found = decode_image(sample.frame)
        right = [d for d in found
                 if d.text == EXPECTED[sample.symbology] and d.symbology == sample.symbology]
        misreads += [(sample.symbology, sample.distortion, d) for d in found if d not in right]
        totals[sample.distortion] += 1
        hits[sample.distortion] += bool(right)
    assert misreads == []
    assert sum(hits.values()) / sum(totals.values()) >= 0.85, dict(hits)
    for distortion in DISTORTIONS:
        assert hits[distortion] / totals[distortion] >= 0.5, (distortion, dict(hits))


def test_gs1_keeps_separators_and_shows_in_parentheses():
    label = render_label("gs1-128", "(01)09501101530003(10)LOT7(21)SN1")
    [code] = decode_image(label)
    assert code.symbology == "gs1-128"
    assert code.text == f"010950110153000310LOT7{GS}21SN1"
    assert human_readable(code.text, code.symbology) == "(01)09501101530003(10)LOT7(21)SN1"


def test_eight_digit_code128_asset_tag_is_not_gs1():
    [code] = decode_image(render_label("code128", "12345678"))
    assert (code.text, code.symbology) == ("12345678", "code128")


def test_formats_restrict_what_is_read():
    qr = render_label("qr", "IT-1", 6)
    ean = render_label("ean13", "9501101530003", 3)
    canvas = np.full((400, 800), 255, np.uint8)
    canvas[20:20 + qr.shape[0], 20:20 + qr.shape[1]] = qr
    canvas[20:20 + ean.shape[0], 300:300 + ean.shape[1]] = ean
    assert {d.symbology for d in decode_image(canvas)} == {"qr", "ean13"}
    assert [d.symbology for d in decode_image(canvas, {"qr"})] == ["qr"]
    assert [d.symbology for d in decode_image(canvas, {"ean13"})] == ["ean13"]
    with pytest.raises(ValueError, match="unknown symbology"):
        decode_image(canvas, {"pdf418"})


def test_gs1_code_is_read_when_plain_code128_is_enabled():
    label = render_label("gs1-128", "(01)09501101530003(21)SER0001")
    assert [d.symbology for d in decode_image(label, {"code128"})] == ["gs1-128"]
    assert decode_image(render_label("code128", "ABC"), {"gs1-128"}) == []


def test_located_and_straightened_retry_reads_what_a_first_pass_misses():
    rng = np.random.default_rng(7)
    tilt = Distortion(angle=(33.0, 33.0), width_frac=(0.3, 0.3))
    frame, _ = composite(render_label("code128", "IT-000999", 2), tilt, rng)
    gray = cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
    first_pass = zxingcpp.read_barcodes(gray, try_invert=False)
    assert first_pass == [], "this frame is meant to need the retry"
    assert [d.text for d in decode_image(frame)] == ["IT-000999"]


def test_outline_surrounds_the_code():
    rng = np.random.default_rng(11)
    frame, corners = composite(render_label("qr", "IT-5", 6), DISTORTIONS["rotated"], rng)
    [code] = decode_image(frame)
    assert len(code.outline) == 4
    centre = np.mean(code.outline, axis=0)
    assert np.linalg.norm(centre - corners.mean(axis=0)) < 25


def test_grey_and_bgra_images_are_accepted_other_shapes_are_not():
    label = render_label("ean8", "96385074")
    assert decode_image(label)[0].text == "96385074"
    assert decode_image(cv2.cvtColor(label, cv2.COLOR_GRAY2BGRA))[0].text == "96385074"
    with pytest.raises(ValueError):
        decode_image(label.astype(np.float32))


def test_a_decoder_result_with_a_bad_check_digit_is_dropped(monkeypatch):
    """Whatever a decoder claims, a code that fails its check digit is not reported."""
    fake = [Decoded("9501101530004", "ean13", []), Decoded("15012345678", "itf", []),
            Decoded("0109501101530004", "gs1-128", []), Decoded("IT-7", "code128", [])]
    monkeypatch.setattr(decode_mod.zxing, "read", lambda *a, **k: list(fake))
    blank = np.full((50, 50), 255, np.uint8)
    assert [d.text for d in decode_image(blank)] == ["IT-7"]


def test_upc_spellings_are_the_same_whatever_the_decoder():
    assert decode_mod.normalise("0036000291452", "ean13") == ("036000291452", "upca")
    assert decode_mod.normalise("0012345000065", "upce") == ("01234565", "upce")
    assert decode_mod.normalise("9501101530003", "ean13") == ("9501101530003", "ean13")


def test_decoder_names_say_what_is_in_use():
    names = decoder_names()
    assert names[0] == "zxing-cpp"
    assert ("pyzbar" in names) == zbar.available()


def test_a_one_line_misread_is_checked_again_and_the_real_code_reported(monkeypatch):
    """A blurred EAN read on one scan line can pass its check digit; a second look catches it."""
    rng = np.random.default_rng(3)
    frame, corners = composite(render_label("ean13", "9501101530003", 2), DISTORTIONS["clean"], rng)
    ys = corners[:, 1]
    y = int(ys.mean())
    x0, x1 = int(corners[:, 0].min()) + 20, int(corners[:, 0].max()) - 20
    wrong = Decoded("0588767530003", "ean13", [(x0, y), (x1, y), (x1, y + 1), (x0, y + 1)])
    real_read = decode_mod.zxing.read
    calls = []

    def first_pass_misreads(image, formats, **kwargs):
        calls.append(image.shape)
        if len(calls) == 1:
            return [wrong]
        return real_read(image, formats, **kwargs)

    monkeypatch.setattr(decode_mod.zxing, "read", first_pass_misreads)
    found = decode_image(frame)
    assert [(d.text, d.symbology) for d in found] == [("9501101530003", "ean13")]
    assert len(calls) >= 2, "the thin read was looked at again"


def test_two_readings_of_one_symbol_are_both_dropped(monkeypatch):
    box = [(10, 10), (400, 10), (400, 80), (10, 80)]  # big enough to need no second look
    clash = [Decoded("036000291452", "upca", box),
             Decoded("036100291451", "upca", [(x + 3, y + 2) for x, y in box])]
    real_read = decode_mod.zxing.read
    calls = []

    def two_answers(image, formats, **kwargs):
        calls.append(1)
        return list(clash) if len(calls) == 1 else real_read(image, formats, **kwargs)

    monkeypatch.setattr(decode_mod.zxing, "read", two_answers)
    assert decode_image(np.full((120, 480), 255, np.uint8)) == []
