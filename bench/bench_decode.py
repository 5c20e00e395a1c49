"""Decode benchmark: our pipeline beside raw zxing-cpp and raw pyzbar on the same frames.

A seeded corpus of 1280x720 webcam-like frames (every symbology under every
distortion, see scanners/synthetic.py) is built first, then each decoder reads
every frame. Printed: decode time median / p90, success rate by distortion and
by symbology, misreads (a code reported that is not the one in the frame), each
with its target.

    .venv/bin/python bench/bench_decode.py [--seed 7] [--per-cell 3]
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

from scanners.checks import upce_to_upca  # noqa: E402
from scanners.decode import decode_image, decoder_names  # noqa: E402
from scanners.decoders import zbar  # noqa: E402
from scanners.synthetic import DISTORTIONS, SAMPLE_CONTENT, corpus  # noqa: E402

TARGET_MEDIAN_MS = 8.0
TARGET_P90_MS = 20.0
TARGET_SUCCESS = 0.85
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
                        help="frames per (symbology, distortion) pair (default 3)")
    parser.add_argument("--only-ours", action="store_true",
                        help="skip the raw zxing-cpp and pyzbar runs")
    args = parser.parse_args()
    seeds = [args.seed]
    if args.seeds:
        first, stop = (int(x) for x in args.seeds.split(":"))
        seeds = list(range(first, stop))

    print(f"machine: nproc={os.cpu_count()}, load average before: "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"decoders available: {', '.join(decoder_names())}; "
          f"zxing-cpp {metadata.version('zxing-cpp')}, pyzbar {metadata.version('pyzbar')}, "
          f"OpenCV {cv2.__version__}")
    n = len(seeds) * len(SAMPLE_CONTENT) * len(DISTORTIONS) * args.per_cell
    print(f"corpus: {n} frames 1280x720 JPEG, seed {args.seeds or args.seed}, "
          f"{args.per_cell} per (symbology, distortion); each frame is built, then read by "
          f"every decoder in turn")
    samples = (sample for seed in seeds
               for sample in corpus(seed, sorted(SAMPLE_CONTENT), DISTORTIONS, args.per_cell))

    decoders = {"ours": ours} if args.only_ours else {"ours": ours, "raw zxing-cpp": raw_zxing}
    if zbar.available() and not args.only_ours:
        decoders["raw pyzbar"] = raw_pyzbar
    warm = next(corpus(seeds[0] + 1000, ["ean13"], ["clean"]))
    for fn in decoders.values():  # warm up: imports, lazy tables
        fn(cv2.cvtColor(warm.frame, cv2.COLOR_BGR2GRAY), warm.frame)

    times = {name: [] for name in decoders}
    cpu = {name: [] for name in decoders}
    ok = {name: collections.Counter() for name in decoders}
    bad = {name: collections.Counter() for name in decoders}
    total = collections.Counter()
    misread_examples = collections.defaultdict(list)
    for sample in samples:
        gray = cv2.cvtColor(sample.frame, cv2.COLOR_BGR2GRAY)
        want = canonical(sample.content, sample.symbology)
        total[sample.distortion] += 1
        total[sample.symbology] += 1
        for name, fn in decoders.items():
            c0, t0 = time.process_time(), time.perf_counter()
            texts = fn(gray, sample.frame)
            times[name].append((time.perf_counter() - t0) * 1000)
            cpu[name].append((time.process_time() - c0) * 1000)
            got = {canonical(t, sample.symbology) for t in texts}
            if want in got:
                ok[name][sample.distortion] += 1
                ok[name][sample.symbology] += 1
            wrong = got - {want}
            if wrong:
                bad[name][sample.distortion] += 1
                bad[name][sample.symbology] += 1
                misread_examples[name].append((sample.symbology, sample.distortion,
                                               sorted(wrong)))

    print()
    print("time per frame: wall clock, and CPU time of the process (the fairer figure when")
    print("other work shares the cores)")
    print(f"{'decoder':16s} {'median ms':>10s} {'p90 ms':>8s} {'max ms':>8s} "
          f"{'cpu median':>11s} {'cpu p90':>8s} {'success':>8s} {'misreads':>9s}")
    for name in decoders:
        t = sorted(times[name])
        c = sorted(cpu[name])
        success = sum(ok[name][d] for d in DISTORTIONS)
        misreads = sum(bad[name][d] for d in DISTORTIONS)
        print(f"{name:16s} {statistics.median(t):10.1f} {np.percentile(t, 90):8.1f} {t[-1]:8.0f} "
              f"{statistics.median(c):11.1f} {np.percentile(c, 90):8.1f} "
              f"{pct(success, n):>8s} {misreads:9d}")
    t = sorted(times["ours"])
    median, p90 = statistics.median(t), float(np.percentile(t, 90))
    cpu_median, cpu_p90 = statistics.median(cpu["ours"]), float(np.percentile(cpu["ours"], 90))
    success = sum(ok["ours"][d] for d in DISTORTIONS) / n
    misreads = sum(bad["ours"][d] for d in DISTORTIONS)
    print()
    print("ours against the targets:")
    for label, value, target in (("decode time median", median, TARGET_MEDIAN_MS),
                                 ("decode time p90   ", p90, TARGET_P90_MS),
                                 ("  same, CPU median", cpu_median, TARGET_MEDIAN_MS),
                                 ("  same, CPU p90   ", cpu_p90, TARGET_P90_MS)):
        print(f"  {label} {value:6.1f} ms   target <= {target:2.0f} ms  "
              f"{'met' if value <= target else 'MISSED'}")
    print(f"  success overall    {100 * success:6.1f} %    target >= {100 * TARGET_SUCCESS:.0f} %  "
          f"{'met' if success >= TARGET_SUCCESS else 'MISSED'}")
    print(f"  misreads           {misreads:6d}      target = 0      "
          f"{'met' if misreads == 0 else 'MISSED'}")

    names = list(decoders)
    for title, keys in (("distortion", list(DISTORTIONS)), ("symbology", sorted(SAMPLE_CONTENT))):
        print()
        print(f"success by {title} (misreads in brackets)")
        print(f"  {title:15s}" + "".join(f"{name:>18s}" for name in names))
        for key in keys:
            cells = "".join(f"{pct(ok[name][key], total[key]):>13s} [{bad[name][key]:2d}]"
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
