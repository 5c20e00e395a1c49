"""Camera pipeline benchmark: a 720p MJPG file played at 30 fps through CameraScanner.

The video (seeded) shows a sequence of different labels, each for about two
thirds of a second with empty desk in between, as a webcam would see them. It
is played through the same capture thread, newest-frame hand-over, decode thread
and signals the scan station uses, paced at the file's frame rate. Printed, each
with its target: frames decoded per second (target: every frame), latency from a
frame's capture to the scan signal on the main thread (median <= 50 ms), codes
reported, and CPU used.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/bench_camera.py [--codes 16]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import cv2  # noqa: E402
from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from scanners.camera import CameraScanner  # noqa: E402
from scanners.checks import gs1_check_digit  # noqa: E402
from scanners.synthetic import (  # noqa: E402
    DISTORTIONS,
    ONE_D,
    blank_frame,
    composite,
    render_label,
    write_video,
)

FPS = 30.0
TARGET_LATENCY_MS = 50.0
SHOWN, GAP = 20, 10  # frames each label is on screen, and empty desk after it


def label_for(i: int) -> tuple[str, str, str]:
    """(symbology, content to encode, text expected in the scan) for the i-th label."""
    kind = i % 6
    if kind == 0:
        return "code128", f"IT-{i:06d}", f"IT-{i:06d}"
    if kind == 1:
        body = f"950110153{i:03d}"
        ean = body + str(gs1_check_digit(body))
        return "ean13", ean, ean
    if kind == 2:
        url = f"https://stock.example.com/a/IT-{i:06d}"
        return "qr", url, url
    if kind == 3:
        return "datamatrix", f"SN:5CG{i:05d}XYZ", f"SN:5CG{i:05d}XYZ"
    if kind == 4:
        return "code39", f"LOC-{i:03d}", f"LOC-{i:03d}"
    body = f"0950110153{i:03d}"
    gtin = body + str(gs1_check_digit(body))
    return "gs1-128", f"(01){gtin}(21)S{i:04d}", f"01{gtin}21S{i:04d}"


def build_video(path: Path, codes: int, seed: int) -> tuple[list[str], int]:
    rng = np.random.default_rng(seed)
    expected, frames = [], []
    # A little sensor noise, different from one frame to the next (a few patterns, reused).
    patterns = [cv2.randn(np.empty((720, 1280, 3), np.int16), 0, 3) for _ in range(5)]
    for i in range(codes):
        symbology, content, text = label_for(i)
        expected.append(text)
        module = 2 if symbology in ONE_D else 6
        scene, _ = composite(render_label(symbology, content, module), DISTORTIONS["webcam"], rng)
        desk = blank_frame(rng)
        for image, count in ((scene, SHOWN), (desk, GAP)):
            for k in range(count):
                frames.append(cv2.add(image, patterns[k % len(patterns)], dtype=cv2.CV_8U))
    write_video(path, frames, FPS)
    return expected, len(frames)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--codes", type=int, default=16, help="labels in the video (default 16)")
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args()

    app = QApplication.instance() or QApplication([])
    print(f"machine: nproc={os.cpu_count()}, load average before: "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.avi"
        t0 = time.perf_counter()
        expected, n_frames = build_video(path, args.codes, args.seed)
        probe = cv2.VideoCapture(str(path))
        fourcc = int(probe.get(cv2.CAP_PROP_FOURCC)).to_bytes(4, "little").decode()
        size = (int(probe.get(cv2.CAP_PROP_FRAME_WIDTH)), int(probe.get(cv2.CAP_PROP_FRAME_HEIGHT)))
        probe.release()
        print(f"video: {n_frames} frames {size[0]}x{size[1]} {fourcc} at {FPS:.0f} fps "
              f"({n_frames / FPS:.1f} s), {args.codes} labels, built in "
              f"{time.perf_counter() - t0:.1f} s")

        scanner = CameraScanner(pace=True)
        received: list[tuple[object, datetime]] = []
        scanner.scan_received.connect(lambda scan: received.append((scan, datetime.now())))
        done = QEventLoop()
        scanner.state_changed.connect(lambda state: done.quit() if state != "on" else None)
        usage0 = resource.getrusage(resource.RUSAGE_SELF)
        wall0 = time.perf_counter()
        scanner.start(path)
        QTimer.singleShot(int(n_frames / FPS * 1000) + 30000, done.quit)  # safety net
        done.exec()
        wall = time.perf_counter() - wall0
        usage1 = resource.getrusage(resource.RUSAGE_SELF)
        stats = scanner.stats
        state = scanner.state
        scanner.stop()
        QCoreApplication.processEvents()
    cpu = (usage1.ru_utime - usage0.ru_utime) + (usage1.ru_stime - usage0.ru_stime)

    latencies = sorted((got - scan.at).total_seconds() * 1000 for scan, got in received)
    texts = [scan.text for scan, _ in received]
    found = [t for t in expected if t in texts]
    wrong = [t for t in texts if t not in expected]
    decoded_fps = stats["decoded"] / wall
    median = statistics.median(latencies) if latencies else float("nan")
    p90 = float(np.percentile(latencies, 90)) if latencies else float("nan")

    print(f"run: {wall:.2f} s wall, ended with state {state!r}")
    print()
    print(f"  frames captured       {stats['captured']:6d}      (in the file: {n_frames})")
    print(f"  frames decoded        {stats['decoded']:6d}      target: every frame "
          f"({'met' if stats['decoded'] == n_frames else 'MISSED'}; "
          f"{stats['dropped']} dropped for a newer one)")
    print(f"  decoded per second    {decoded_fps:6.1f}      target: {FPS:.0f} "
          f"({'met' if stats['decoded'] == n_frames else 'MISSED'})")
    print(f"  frame -> scan signal  median {median:5.1f} ms, p90 {p90:5.1f} ms, max "
          f"{latencies[-1] if latencies else float('nan'):5.1f} ms   target median <= "
          f"{TARGET_LATENCY_MS:.0f} ms ({'met' if median <= TARGET_LATENCY_MS else 'MISSED'})")
    print(f"  labels reported       {len(found):3d} of {len(expected)}, "
          f"{len(wrong)} misread, {len(texts) - len(set(texts))} repeated")
    print(f"  CPU used              {cpu:.2f} s in {wall:.2f} s = {100 * cpu / wall:.0f}% of one "
          f"core ({100 * cpu / wall / os.cpu_count():.0f}% of the machine)")
    missing = [t for t in expected if t not in texts]
    if missing:
        print(f"  not reported: {missing}")
    if wrong:
        print(f"  misread: {wrong}")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
