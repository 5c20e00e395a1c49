"""Decode benchmark: our pipeline beside raw zxing-cpp and raw pyzbar on the same frames.

Four groups of seeded 1280x720 frames, each read by every decoder in turn (ours;
raw zxing-cpp and raw pyzbar with their defaults; and the plain recipe of zxing-cpp
then OpenCV's locator, straighten, enlarge and zxing-cpp again):
"webcam" (scanners/webcam_corpus.py: the harder corpus, 1-D codes as a
fixed-focus webcam sees them: defocus at 10-25 cm, motion, small, rotated, low
light, combined), "labels" (the app's printed labels, photographed the same
way), "synthetic" (scanners/synthetic.py: every symbology, 2-D included, under
mild distortions) and "empty" (desks with no code: any read is a misread).
Printed: decode time median / p90 (wall and CPU), success and misreads by group,
class and symbology, each with its target.

    .venv/bin/python bench/bench_decode.py [--seed 7] [--per-cell 3] [--seeds 1:6] [--gain 2]
"""

from __future__ import annotations

import argparse
import collections
import os
import statistics
import sys
import time
from importlib import metadata
from pathlib import Path

import cv2
import numpy as np
import zxingcpp

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from webcam_frames import empty_frames, label_frames, synthetic_frames, webcam_frames  # noqa: E402

from scanners.checks import upce_to_upca  # noqa: E402
from scanners.decode import decode_image, decoder_names  # noqa: E402
from scanners.decoders import zbar  # noqa: E402
from scanners.webcam_corpus import BLUR_CLASSES  # noqa: E402

TARGET_MEDIAN_MS = 8.0
TARGET_P90_MS = 20.0
TARGET_SUCCESS = 0.95
TARGET_BLUR_CLASS = 0.90
RETAIL = {"ean13", "ean8", "upca", "upce", "itf"}


def canonical(text: str, symbology: str) -> str:
    """One spelling of a payload, so decoders that format differently compare equal."""
    text = text.replace("\x1d", "").replace("(", "").replace(")", "")
    if symbology in RETAIL and text.isdigit():
        if len(text) == 8 and symbology == "upce":
            text = upce_to_upca(text)
        return text.zfill(14)
    return text


def ours(gray: np.ndarray, frame: np.ndarray) -> list[str]:
    return [d.text for d in decode_image(frame)]


def raw_zxing(gray: np.ndarray, frame: np.ndarray) -> list[str]:
    return [r.text for r in zxingcpp.read_barcodes(gray)]


_LOCATOR = cv2.barcode.BarcodeDetector()


def zxing_retry(gray: np.ndarray, frame: np.ndarray) -> list[str]:
    """The plain recipe: zxing-cpp on the frame, then on each OpenCV-located region
    straightened and enlarged 2x (what the issue measured at 88 %)."""
    found = [r.text for r in zxingcpp.read_barcodes(gray)]
    if found:
        return found
    ok, boxes = _LOCATOR.detect(gray)
    if not ok or boxes is None:
        return []
    for box in boxes:
        (cx, cy), (w, h), angle = cv2.minAreaRect(np.asarray(box, np.float32).reshape(4, 2))
        if w < h:
            w, h, angle = h, w, angle + 90.0
        w, h = w * 1.3 + 8, h * 1.2 + 8
        matrix = cv2.getRotationMatrix2D((cx, cy), angle, 2.0)
        matrix[0, 2] += w - cx
        matrix[1, 2] += h - cy
        crop = cv2.warpAffine(gray, matrix, (int(2 * w), int(2 * h)), flags=cv2.INTER_CUBIC,
                              borderMode=cv2.BORDER_REPLICATE)
        found += [r.text for r in zxingcpp.read_barcodes(crop)]
    return found


def raw_pyzbar(gray: np.ndarray, frame: np.ndarray) -> list[str]:
    from pyzbar import pyzbar

    return [r.data.decode("utf-8", "replace") for r in pyzbar.decode(gray)]


def pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:5.1f}%" if whole else "   n/a"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--seeds", metavar="FIRST:STOP",
                        help="several corpora, seeds FIRST..STOP-1 (a longer hunt for misreads)")
    parser.add_argument("--per-cell", type=int, default=3,
                        help="frames per (class, symbology) pair (default 3)")
    parser.add_argument("--groups", default="webcam,labels,synthetic,empty",
                        help="which groups of frames (default: all four)")
    parser.add_argument("--gain", type=float, default=1.0,
                        help="webcam and label frames with the sensor gain this many times "
                        "higher (2: the noise of the camera's 2.5 ms exposure; default 1, 5 ms)")
    parser.add_argument("--only-ours", action="store_true",
                        help="skip the raw zxing-cpp and pyzbar runs")
    args = parser.parse_args()
    seeds = [args.seed]
    if args.seeds:
        first, stop = (int(x) for x in args.seeds.split(":"))
        seeds = list(range(first, stop))
    groups = [g.strip() for g in args.groups.split(",") if g.strip()]

    print(f"machine: nproc={os.cpu_count()}, load average before: "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"decoders available: {', '.join(decoder_names())}; "
          f"zxing-cpp {metadata.version('zxing-cpp')}, pyzbar {metadata.version('pyzbar')}, "
          f"OpenCV {cv2.__version__}")
    if args.gain != 1.0:
        print(f"webcam and label frames at {args.gain:g}x the sensor gain (shorter exposure)")

    def frames():
        for seed in seeds:
            if "webcam" in groups:
                yield from webcam_frames(seed, args.per_cell, args.gain)
            if "labels" in groups:
                yield from label_frames(seed, 8 * args.per_cell, args.gain)
            if "synthetic" in groups:
                yield from synthetic_frames(seed, args.per_cell)
            if "empty" in groups:
                yield from empty_frames(seed, 8 * args.per_cell)

    decoders = {"ours": ours} if args.only_ours else {
        "ours": ours, "raw zxing-cpp": raw_zxing, "zxing+cv retry": zxing_retry}
    if zbar.available() and not args.only_ours:
        decoders["raw pyzbar"] = raw_pyzbar
    warm = next(synthetic_frames(seeds[0] + 1000, 1))
    for fn in decoders.values():  # warm up: imports, lazy tables
        fn(cv2.cvtColor(warm.image, cv2.COLOR_BGR2GRAY), warm.image)

    times = {name: collections.defaultdict(list) for name in decoders}
    cpu = {name: collections.defaultdict(list) for name in decoders}
    ok = {name: collections.Counter() for name in decoders}
    bad = {name: collections.Counter() for name in decoders}
    total = collections.Counter()
    misread_examples = collections.defaultdict(list)
    for frame in frames():
        gray = cv2.cvtColor(frame.image, cv2.COLOR_BGR2GRAY)
        want = None if frame.expected is None else canonical(frame.expected, frame.symbology)
        keys = [(frame.group,), (frame.group, "class", frame.cls),
                (frame.group, "symbology", frame.symbology)]
        for key in keys:
            total[key] += 1
        for name, fn in decoders.items():
            c0, t0 = time.process_time(), time.perf_counter()
            texts = fn(gray, frame.image)
            times[name][frame.group].append((time.perf_counter() - t0) * 1000)
            cpu[name][frame.group].append((time.process_time() - c0) * 1000)
            got = {canonical(t, frame.symbology) for t in texts}
            wrong = got - {want}
            for key in keys:
                ok[name][key] += want in got
                bad[name][key] += bool(wrong)
            if wrong:
                misread_examples[name].append((frame.group, frame.cls, frame.symbology,
                                               sorted(wrong)))

    names = list(decoders)
    print()
    print("time per frame (ms): wall clock, and CPU time of the process (the fairer figure")
    print("when other work shares the cores); success; misreads")
    print(f"{'group':10s} {'decoder':14s} {'frames':>6s} {'median':>7s} {'p90':>6s} "
          f"{'cpu med':>8s} {'cpu p90':>8s} {'success':>8s} {'misreads':>9s}")
    for group in groups:
        for name in names:
            t, c = times[name][group], cpu[name][group]
            if not t:
                continue
            n = total[(group,)]
            success = "      -" if group == "empty" else pct(ok[name][(group,)], n)
            print(f"{group:10s} {name:14s} {n:6d} {statistics.median(t):7.1f} "
                  f"{np.percentile(t, 90):6.1f} {statistics.median(c):8.1f} "
                  f"{np.percentile(c, 90):8.1f} {success:>8s} {bad[name][(group,)]:9d}")

    print()
    print("ours against the targets (webcam corpus and printed labels together):")
    hard = [g for g in ("webcam", "labels") if g in groups]
    n_hard = sum(total[(g,)] for g in hard)
    t = [x for g in hard for x in times["ours"][g]]
    c = [x for g in hard for x in cpu["ours"][g]]
    if t:
        for label, value, target in (("decode time median", statistics.median(t),
                                      TARGET_MEDIAN_MS),
                                     ("decode time p90   ", float(np.percentile(t, 90)),
                                      TARGET_P90_MS),
                                     ("  same, CPU median", statistics.median(c),
                                      TARGET_MEDIAN_MS),
                                     ("  same, CPU p90   ", float(np.percentile(c, 90)),
                                      TARGET_P90_MS)):
            print(f"  {label} {value:6.1f} ms   target <= {target:2.0f} ms  "
                  f"{'met' if value <= target else 'MISSED'}")
        success = sum(ok["ours"][(g,)] for g in hard) / n_hard
        print(f"  success overall    {100 * success:6.1f} %    target >= "
              f"{100 * TARGET_SUCCESS:.0f} %  {'met' if success >= TARGET_SUCCESS else 'MISSED'}")
        if "webcam" in groups:
            for cls in BLUR_CLASSES:
                key = ("webcam", "class", cls)
                rate = ok["ours"][key] / max(total[key], 1)
                print(f"  blur class {cls:14s} {100 * rate:5.1f} %  target >= "
                      f"{100 * TARGET_BLUR_CLASS:.0f} %  "
                      f"{'met' if rate >= TARGET_BLUR_CLASS else 'MISSED'}")
    misreads = sum(bad["ours"][(g,)] for g in groups)
    print(f"  misreads (all groups, empty frames included) {misreads:d}   target = 0  "
          f"{'met' if misreads == 0 else 'MISSED'}")

    for group in groups:
        if group == "empty":
            continue
        for title in ("class", "symbology"):
            keys = sorted({k[2] for k in total if len(k) == 3 and k[0] == group
                           and k[1] == title})
            print()
            print(f"{group}: success by {title} (misreads in brackets)")
            print(f"  {title:15s}" + "".join(f"{name:>18s}" for name in names))
            for key in keys:
                full = (group, title, key)
                cells = "".join(f"{pct(ok[name][full], total[full]):>13s} [{bad[name][full]:2d}]"
                                for name in names)
                print(f"  {key:15s}{cells}")
    for name in names:
        for example in misread_examples[name][:3]:
            print(f"  e.g. {name} misread {example}")
    print()
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
