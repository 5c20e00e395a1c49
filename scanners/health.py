"""`stockroom doctor`, the scanner part: libzbar, cameras, serial ports, wedge settings.

Each check returns findings `(check, level, found, what_to_do)`, level one of OK, INFO,
WARN, FAIL, as inventory/health.py does. Scanners are optional for a desk (the keyboard
and the other scanners still work), so nothing here is worse than WARN.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import glob
import os
import sys

from scanners.wedge import WedgeSettings

OK, INFO, WARN, FAIL, SKIP = "ok", "info", "warn", "fail", "skip"
Finding = tuple[str, str, str, str]
ZBAR, CAMERA, SERIAL, WEDGE = ("libzbar (optional)", "Cameras", "Serial scanner",
                               "Keyboard-wedge settings")
PROBE_INDEXES = 4  # where cameras cannot be listed (Windows, macOS), indexes 0..3 are tried


def _zbar_install_hint() -> str:
    if sys.platform == "darwin":
        return "brew install zbar"
    if sys.platform == "win32":
        return "reinstall Stockroom (pyzbar ships libzbar for Windows)"
    return "sudo apt-get install libzbar0 (Debian/Ubuntu) or sudo dnf install zbar (Fedora)"


def check_zbar(library: str | None = None) -> Finding:
    """Can libzbar be loaded? `library` is a file name or path; default: the system's zbar."""
    name = library or ctypes.util.find_library("zbar")
    if not name:
        return (ZBAR, WARN, "libzbar is not installed; camera scans use zxing-cpp alone",
                f"For a second decoder that reads small EAN/UPC well: {_zbar_install_hint()}.")
    try:
        ctypes.CDLL(name)
    except OSError as exc:
        return (ZBAR, WARN, f"libzbar did not load ({exc}); camera scans use zxing-cpp alone",
                f"Reinstall it: {_zbar_install_hint()}.")
    return (ZBAR, OK, f"{name} loads", "")


def camera_candidates() -> list[int]:
    """Camera indexes worth trying: the V4L2 devices on Linux, else the first few indexes."""
    if sys.platform.startswith("linux"):
        return sorted(int(p.removeprefix("/dev/video")) for p in glob.glob("/dev/video*")
                      if p.removeprefix("/dev/video").isdigit())
    return list(range(PROBE_INDEXES))


def _opens(source: int | str) -> str | None:
    """None when OpenCV opens `source` and reads a picture from it, else why not."""
    os.environ.setdefault("OPENCV_LOG_LEVEL", "ERROR")  # no warning per missing index
    from scanners.capture import SourceError, open_source

    try:
        src = open_source(source, pace=False)
    except SourceError as exc:
        return str(exc)
    try:
        if src.read() is None:
            return f"{source} gave no picture"
    except SourceError as exc:
        return str(exc)
    finally:
        src.close()
    return None


def check_cameras(configured: int | str | None = None,
                  candidates: list[int] | None = None) -> Finding:
    """The camera set up in Settings (if any) must open; also lists the cameras that do."""
    indexes = camera_candidates() if candidates is None else candidates
    working = [i for i in indexes if _opens(i) is None]
    listed = ", ".join(f"camera {i}" for i in working) or "none"
    if configured is not None and configured != "":
        why = _opens(configured)
        if why:
            return (CAMERA, WARN, f"the camera set up in Settings ({configured}) does not "
                    f"open: {why}. Cameras that open: {listed}",
                    "Plug the camera in and close other programs using it, or choose another "
                    "camera in Settings › Camera." + _video_group_hint())
        return (CAMERA, OK, f"{configured} opens and sends pictures (cameras that open: "
                f"{listed})", "")
    if not working:
        return (CAMERA, INFO, "no camera found that OpenCV can open; webcam scanning is "
                "unavailable (USB and serial scanners work)", "Only needed to scan with a "
                "webcam: plug one in." + _video_group_hint())
    return (CAMERA, OK, f"{listed} open (not enabled in Settings)", "")


def _video_group_hint() -> str:
    if sys.platform.startswith("linux") and glob.glob("/dev/video*"):
        return " If it exists but does not open: sudo usermod -aG video $USER, then log in again."
    return ""


def check_serial(port: str = "", baudrate: int = 9600) -> Finding:
    """The serial port set up in Settings must open (pyserial); also lists the ports."""
    import serial
    from serial.tools import list_ports

    ports = sorted(p.device for p in list_ports.comports())
    listed = ", ".join(ports) or "none"
    if not port:
        return (SERIAL, INFO, f"no serial scanner set up (ports on this machine: {listed})",
                "Only needed for a serial or USB-CDC scanner: choose its port in Settings › "
                "Serial scanner.")
    try:
        serial.Serial(port, baudrate, timeout=0).close()
    except serial.SerialException as exc:
        fix = ("Plug the scanner in, or choose another port in Settings › Serial scanner "
               "(a /dev/serial/by-id/... path stays the same across replugs).")
        if "permission" in str(exc).lower() and sys.platform.startswith("linux"):
            fix = "Allow your account to use serial ports: sudo usermod -aG dialout $USER, " \
                  "then log in again."
        why = ("no such device" if os.name == "posix" and not os.path.exists(port)
               else str(exc))
        return (SERIAL, WARN, f"{port} does not open ({why}); ports on this machine: {listed}",
                fix)
    return (SERIAL, OK, f"{port} opens at {baudrate} baud", "")


def check_wedge(settings: WedgeSettings, enabled: bool = True) -> Finding:
    """Do the wedge settings tell a scanner from a person typing, without splitting scans?"""
    if not enabled:
        return (WEDGE, INFO, "switched off: USB scanners type into whatever field has focus",
                "Switch it on in Settings › USB scanner (keyboard wedge) to send scans to the "
                "scan station.")
    problems = []
    if not settings.prefix:
        if settings.min_length < 4:
            problems.append(f"minimum length {settings.min_length} (a person's quick two or "
                            "three keys would count as a scan; use 4 or more)")
        if settings.max_gap_ms > 50:
            problems.append(f"gap between keys up to {settings.max_gap_ms} ms (fast typists "
                            "type that fast; use 30-50 ms, or program the scanner with a prefix)")
    if settings.max_gap_ms < 5:
        problems.append(f"gap between keys at most {settings.max_gap_ms} ms (most scanners "
                        "need 5-30 ms; their scans would be taken for typing)")
    if settings.end_silence_ms <= settings.max_gap_ms:
        problems.append(f"end of scan after {settings.end_silence_ms} ms of silence, not longer "
                        f"than the {settings.max_gap_ms} ms gap (scans would be cut in two)")
    if problems:
        return (WEDGE, WARN, "; ".join(problems), "Change them in Settings › USB scanner (keyboard "
                "wedge); the defaults are 4 characters, 30 ms, 80 ms.")
    how = f"prefix {settings.prefix!r}" if settings.prefix else (
        f"by timing: {settings.min_length}+ keys, gaps ≤ {settings.max_gap_ms} ms")
    return (WEDGE, OK, f"scans recognised {how}", "")
