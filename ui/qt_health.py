"""`stockroom doctor`, the Qt part: can the platform plugin that shows the window load here?

Findings `(check, level, found, what_to_do)` as in inventory/health.py. The plugin is
loaded with QPluginLoader, which names the first shared library it could not find: the
usual problem on a minimal Linux desktop (libxcb-cursor0 and friends).
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QPluginLoader

OK, INFO, WARN, FAIL = "ok", "info", "warn", "fail"
Finding = tuple[str, str, str, str]
PLATFORM, MODULES, DISPLAY = "Qt platform libraries", "Qt modules", "Display"

_MISSING = re.compile(r"(lib[\w.+-]+?\.so(?:\.\d+)*): cannot open shared object file")


def platform_names() -> list[str]:
    """The platform plugins Qt would try on this desk, in order."""
    if os.environ.get("QT_QPA_PLATFORM"):
        return [name.split(":")[0] for name in os.environ["QT_QPA_PLATFORM"].split(";")]
    if sys.platform == "win32":
        return ["windows"]
    if sys.platform == "darwin":
        return ["cocoa"]
    return ["wayland", "xcb"] if os.environ.get("WAYLAND_DISPLAY") else ["xcb"]


def plugin_path(name: str, folder: Path | None = None) -> Path:
    """Where the platform plugin `name` lives (in `folder`, default: PySide6's plugins)."""
    if folder is None:
        folder = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath)) / "platforms"
    if sys.platform == "win32":
        return folder / f"q{name}.dll"
    suffix = ".dylib" if sys.platform == "darwin" else ".so"
    return folder / f"libq{name}{suffix}"


def debian_package(library: str) -> str:
    """The usual Debian/Ubuntu package for a shared library: libxcb-cursor.so.0 → libxcb-cursor0."""
    m = re.match(r"(.+?)\.so\.(\d+)", library)
    if not m:
        return library
    stem, major = m.group(1).lower(), m.group(2)
    return f"{stem}-{major}" if stem[-1].isdigit() else f"{stem}{major}"


def _load_error(path: Path) -> str | None:
    if not path.exists():
        return f"{path} is missing"
    loader = QPluginLoader(str(path))
    if loader.load():
        return None
    return loader.errorString()


def check_platform(names: list[str] | None = None, folder: Path | None = None) -> Finding:
    """At least one of the platform plugins Qt would use must load, with all its libraries."""
    names = names or platform_names()
    errors = {}
    for name in names:
        error = _load_error(plugin_path(name, folder))
        if error is None:
            note = "" if name == names[0] else f" ({names[0]} did not load: {errors[names[0]]})"
            return (PLATFORM, OK, f"the {name} platform plugin loads{note}", "")
        errors[name] = error
    found = "; ".join(f"{name}: {error}" for name, error in errors.items())
    missing = sorted({m.group(1) for m in map(_MISSING.search, errors.values()) if m})
    if missing and sys.platform.startswith("linux"):
        packages = " ".join(debian_package(lib) for lib in missing)
        fix = (f"Install the missing libraries: sudo apt-get install {packages} "
               "(Debian/Ubuntu names; on Fedora: sudo dnf install xcb-util-cursor "
               "xcb-util-wm xcb-util-keysyms). Then start Stockroom again.")
    else:
        fix = "Reinstall Stockroom (the Qt platform plugin is missing or damaged)."
    return (PLATFORM, FAIL, f"no platform plugin loads, so no window can open ({found})", fix)


def check_modules() -> Finding:
    """The Qt modules the window uses beyond the basics (charts, SVG icons)."""
    missing = []
    for name in ("QtCharts", "QtSvg"):
        try:
            __import__(f"PySide6.{name}")
        except ImportError as exc:
            missing.append(f"{name} ({exc})")
    if missing:
        return (MODULES, FAIL, "missing: " + ", ".join(missing),
                "Reinstall Stockroom; from a checkout: pip install PySide6-Addons (QtCharts).")
    from PySide6 import __version__ as pyside

    return (MODULES, OK, f"PySide6 {pyside}: QtCharts and QtSvg load", "")


def check_display(names: list[str] | None = None) -> Finding:
    """On Linux a window needs a display server (X11 or Wayland) to talk to."""
    names = names or platform_names()
    if not sys.platform.startswith("linux") or names[0] in ("offscreen", "minimal", "vnc"):
        return (DISPLAY, OK, f"{names[0]}", "")
    if os.environ.get("WAYLAND_DISPLAY") or os.environ.get("DISPLAY"):
        where = os.environ.get("WAYLAND_DISPLAY") or os.environ.get("DISPLAY")
        return (DISPLAY, OK, f"display {where}", "")
    return (DISPLAY, WARN, "no display (neither DISPLAY nor WAYLAND_DISPLAY is set): the "
            "window can only open from a desktop session", "Run Stockroom from the desktop "
            "(or ssh -X); commands such as demo, verify and doctor work without one.")
