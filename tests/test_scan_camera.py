"""Camera scanning, with generated MJPG videos and images as the camera."""

from __future__ import annotations

import time

import cv2
import numpy as np
import pytest

from scanners.camera import CameraScanner, decode_loop
from scanners.capture import open_source
from scanners.debounce import Debouncer
from scanners.synthetic import DISTORTIONS, blank_frame, composite, render_label, write_video

GS = "\x1d"


def scene(symbology: str, content: str, distortion: str, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    module = 2 if symbology not in {"qr", "datamatrix", "gs1-datamatrix", "gs1-qr"} else 6
    frame, _ = composite(render_label(symbology, content, module), DISTORTIONS[distortion], rng)
    return frame


def blank(seed: int = 0) -> np.ndarray:
    return blank_frame(np.random.default_rng(seed))


@pytest.fixture
def camera(qtbot):
    """A CameraScanner that decodes every frame of a file; checks no thread outlives it."""
    made = []

    def make(**kwargs):
        kwargs.setdefault("pace", False)
        scanner = CameraScanner(**kwargs)
        record = {"scans": [], "states": [], "previews": []}
        scanner.scan_received.connect(record["scans"].append)
        scanner.state_changed.connect(record["states"].append)
        scanner.preview.connect(lambda image, outlines: record["previews"].append(
            (image.width(), image.height(), outlines)))
        made.append(scanner)
        return scanner, record

    yield make
    for scanner in made:
        scanner.stop()
        assert not any(t.isRunning() for t in scanner.threads), "a camera thread outlived stop()"


def run_to_end(qtbot, scanner, record, source, timeout=20000):
    scanner.start(source)
    qtbot.waitUntil(lambda: record["states"] and record["states"][-1] in ("off",)
                    or any(s.startswith("error") for s in record["states"]), timeout=timeout)


def test_mjpg_video_reports_each_code_once_in_order(qtbot, camera, tmp_path):
    segments = [
        (scene("code128", "IT-000123", "webcam", 1), 6),
        (blank(1), 3),
        (scene("ean13", "9501101530003", "tilted", 2), 6),
        (blank(2), 3),
        (scene("gs1-datamatrix", "(01)09501101530003(17)271231(10)ABC123(21)S0042",
               "rotated", 3), 6),
        (blank(3), 3),
        (scene("code39", "LOC-A12", "clean", 4), 6),
    ]
    frames = [image for image, count in segments for _ in range(count)]
    path = write_video(tmp_path / "desk.avi", frames, fps=30)
    probe = cv2.VideoCapture(str(path))
    assert int(probe.get(cv2.CAP_PROP_FOURCC)) == cv2.VideoWriter.fourcc(*"MJPG")
    probe.release()

    scanner, record = camera()
    run_to_end(qtbot, scanner, record, path)

    assert [(s.text, s.symbology) for s in record["scans"]] == [
        ("IT-000123", "code128"),
        ("9501101530003", "ean13"),
        (f"010950110153000317271231" f"10ABC123{GS}21S0042", "gs1-datamatrix"),
        ("LOC-A12", "code39"),
    ]
    assert {s.source for s in record["scans"]} == {"camera"}
    assert record["states"] == ["on", "off"]
    assert scanner.stats["decoded"] == len(frames) == scanner.stats["captured"]
    assert len(record["previews"]) == len(frames)
    width, height, outlines = record["previews"][0]
    assert (width, height) == (1280, 720)
    assert len(outlines) == 1 and len(outlines[0]) == 4
    assert record["previews"][7][2] == [], "a blank frame has no outline"


def test_code39_counts_only_when_two_frames_agree(qtbot, camera, tmp_path):
    frames = ([scene("code39", "LOC-A12", "clean", 5)] + [blank(4)] * 4
              + [scene("code39", "LOC-B7", "clean", 6)] * 2 + [blank(5)] * 2
              + [scene("code128", "IT-9", "clean", 7)])
    path = write_video(tmp_path / "c39.avi", frames)
    scanner, record = camera()
    run_to_end(qtbot, scanner, record, path)
    assert [s.text for s in record["scans"]] == ["LOC-B7", "IT-9"]


def test_the_same_code_is_not_reported_again_within_one_and_a_half_seconds(qtbot, camera, tmp_path):
    code = scene("code128", "IT-000777", "clean", 8)
    empty = blank(6)
    # At 30 fps: seen (frames 0-2), gone 1.33 s, back at frame 43 -- 1.37 s after it was
    # last seen, inside the window: quiet; gone 1.6 s, back at frame 94 -- 1.63 s after it
    # was last seen (frame 45): reported again.
    frames = [code] * 3 + [empty] * 40 + [code] * 3 + [empty] * 48 + [code] * 3
    path = write_video(tmp_path / "repeat.avi", frames)

    # The window is measured on the video's own clock, frame by frame.
    source = open_source(path, pace=False)
    try:
        results = list(decode_loop(source.read, None, Debouncer()))
    finally:
        source.close()
    seen = [r.frame.index for r in results if r.codes]
    reported = [(r.frame.index, r.frame.taken) for r in results if r.scans]
    assert seen == [0, 1, 2, 43, 44, 45, 94, 95, 96]
    assert [i for i, _ in reported] == [0, 94]
    quiet_gap = results[43].frame.taken - results[2].frame.taken
    reported_gap = results[94].frame.taken - results[45].frame.taken
    assert 1.3 < quiet_gap < 1.5 <= reported_gap < 1.7, (quiet_gap, reported_gap)

    # And the camera scanner, on its threads, delivers the same two scans in order.
    scanner, record = camera()
    run_to_end(qtbot, scanner, record, path, timeout=60000)  # 97 frames on a busy machine
    assert [s.text for s in record["scans"]] == ["IT-000777", "IT-000777"]
    assert record["scans"][0].at <= record["scans"][1].at


def test_an_image_file_works_as_a_camera(qtbot, camera, tmp_path):
    path = tmp_path / "label.png"
    cv2.imwrite(str(path), scene("qr", "https://stock.example.com/a/IT-000123", "small", 9))
    scanner, record = camera()
    run_to_end(qtbot, scanner, record, path)
    assert [(s.text, s.symbology) for s in record["scans"]] == [
        ("https://stock.example.com/a/IT-000123", "qr")]


def test_a_video_file_is_paced_at_its_frame_rate(qtbot, camera, tmp_path):
    frames = [scene("ean8", "96385074", "clean", 10)] * 15
    path = write_video(tmp_path / "paced.avi", frames, fps=30)
    scanner, record = camera(pace=True)
    started = time.monotonic()
    run_to_end(qtbot, scanner, record, path)
    elapsed = time.monotonic() - started
    assert elapsed >= 14 / 30 - 0.02, f"15 frames at 30 fps played in {elapsed:.3f} s"
    assert scanner.stats["captured"] == 15
    assert [s.text for s in record["scans"]] == ["96385074"]


def test_a_camera_that_does_not_open_is_a_state_not_an_exception(qtbot, camera):
    scanner, record = camera()
    scanner.start(97)
    qtbot.waitUntil(lambda: bool(record["states"]), timeout=10000)
    qtbot.wait(50)
    assert record["states"] == ["error: camera 97 did not open (not connected, or in use)"]
    assert scanner.state.startswith("error: camera 97")
    scanner.stop()
    assert all(t.isFinished() for t in scanner.threads)


def test_a_file_that_is_not_a_video_is_a_clear_error(qtbot, camera, tmp_path):
    path = tmp_path / "notes.avi"
    path.write_text("not a video")
    scanner, record = camera()
    run_to_end(qtbot, scanner, record, path)
    assert record["states"] == [f"error: {path}: not a video file OpenCV can read"]
    assert record["scans"] == []


def test_stop_in_the_middle_ends_every_thread(qtbot, camera, tmp_path):
    path = tmp_path / "still.png"
    cv2.imwrite(str(path), scene("ean13", "9501101530003", "clean", 11))
    scanner, record = camera(pace=True)  # a still image paced: runs until stopped
    scanner.start(path)
    qtbot.waitUntil(lambda: len(record["scans"]) == 1, timeout=5000)
    threads = scanner.threads
    assert all(t.isRunning() for t in threads)
    started = time.monotonic()
    scanner.stop()
    assert time.monotonic() - started < 1.0
    assert all(t.isFinished() for t in threads)
    assert record["states"] == ["on", "off"]
    assert len(record["scans"]) == 1, "a still label is reported once however long it is seen"


def test_a_long_run_does_not_eat_references_to_true(qtbot, camera, tmp_path):
    """Emits must not drop references to True (PySide6 6.12.0 did; enough of them abort
    Python)."""
    import sys

    path = write_video(tmp_path / "empty.avi", [blank(7)] * 60)
    scanner, record = camera()
    before = sys.getrefcount(True)
    run_to_end(qtbot, scanner, record, path)
    assert len(record["previews"]) == 60
    assert sys.getrefcount(True) >= before - 10


def test_a_label_brought_into_view_is_read_within_300_ms_of_entering(qtbot, camera, tmp_path):
    """1-D labels swept in by hand and stopped (webcam_corpus.moving, at the exposure the
    camera asks for, with its gain's noise): every frame decoded (lossless), the first scan
    comes from a frame at most 300 ms after the label is whole in view."""
    from scanners.capture import SHORT_EXPOSURE_S
    from scanners.webcam_corpus import RENDER_MODULE, moving, random_content

    rng = np.random.default_rng(11)
    frames, expected = [], []
    for symbology in ("code128", "ean13", "gs1-128"):
        content, text = random_content(symbology, rng)
        swept, entered = moving(render_label(symbology, content, RENDER_MODULE), rng,
                                exposure_s=SHORT_EXPOSURE_S)
        expected.append((text, len(frames) + entered))
        frames += swept + [blank(12)] * 10
    path = write_video(tmp_path / "sweep.avi", frames)
    scanner, record = camera()
    first_frame: dict[str, int] = {}
    scanner.frame_decoded.connect(lambda r: [first_frame.setdefault(s.text, r.frame.index)
                                             for s in r.scans])
    run_to_end(qtbot, scanner, record, path, timeout=60000)
    assert [s.text for s in record["scans"]] == [text for text, _ in expected]
    for text, entered in expected:
        assert (first_frame[text] - entered) / 30 <= 0.3, (text, first_frame[text], entered)


def test_a_frame_dropped_for_a_newer_one_is_never_decoded(tmp_path):
    """MJPG frames stay compressed until the decoder looks at them: under load the
    camera drops frames without spending CPU on their pictures."""
    from scanners.capture import LatestFrame

    path = write_video(tmp_path / "three.avi", [scene("code128", "IT-000042", "clean", 12)] * 3)
    source = open_source(path, pace=False)
    try:
        frames = [source.read() for _ in range(3)]
    finally:
        source.close()
    assert all(f is not None and f.compressed for f in frames)
    holder = LatestFrame()
    for frame in frames:
        holder.put(frame)
    taken = holder.take()
    assert taken is frames[2] and holder.dropped == 2
    results = list(decode_loop(iter([taken, None]).__next__, None, Debouncer()))
    assert [s.text for s in results[0].scans] == ["IT-000042"]
    assert frames[0].compressed and frames[1].compressed, "a dropped frame was decoded"
    assert not taken.compressed


def test_a_broken_camera_frame_is_skipped_and_the_next_one_read():
    from datetime import datetime

    from scanners.capture import Frame

    ok, jpeg = cv2.imencode(".jpg", scene("code128", "IT-000043", "clean", 13))
    assert ok
    broken = np.frombuffer(b"\xff\xd8" + bytes(200), np.uint8)
    feed = iter([Frame(None, 0, 0.0, datetime.now(), jpeg=broken),
                 Frame(None, 1, 1 / 30, datetime.now(), jpeg=jpeg.reshape(-1)), None])
    results = list(decode_loop(feed.__next__, None, Debouncer()))
    assert [r.codes for r in results[:1]] == [[]]
    assert [s.text for s in results[1].scans] == ["IT-000043"]


def test_a_tilted_datamatrix_only_the_slow_rotated_look_reads_is_still_read_promptly(tmp_path):
    """The camera runs the slow rotated 2-D look a few times a second, not on every frame:
    a DataMatrix only that look reads is read within a quarter of a second of appearing."""
    from scanners.decode import decode_frame

    rng = np.random.default_rng(7)
    label = render_label("datamatrix", "SN:5CG1234XYZ", 6)
    for _ in range(20):
        tilted, _ = composite(label, DISTORTIONS["rotated"], rng)
        if (not decode_frame(tilted, rotated_2d=False).codes
                and decode_frame(tilted).codes):
            break
    else:
        pytest.fail("no frame that only the rotated look reads")
    frames = [blank(14)] * 2 + [tilted] * 12
    path = write_video(tmp_path / "dm.avi", frames)
    source = open_source(path, pace=False)
    try:
        results = list(decode_loop(source.read, None, Debouncer()))
    finally:
        source.close()
    read = [r.frame.index for r in results if r.scans]
    assert [s.text for r in results for s in r.scans] == ["SN:5CG1234XYZ"]
    assert (read[0] - 2) / 30 <= 0.25, read
