"""PyInstaller run-time hook: let pyzbar find the libzbar that the bundle carries.

pyzbar asks ctypes.util.find_library("zbar"), which only looks at the system's
libraries; when the bundle has its own copy (stockroom.spec adds it where the build
machine had one: libzbar.so.0 on Linux, libzbar.0.dylib on macOS), answer with it.
"""

import ctypes.util
import glob
import os
import sys

_bundled = sorted(glob.glob(os.path.join(getattr(sys, "_MEIPASS", ""), "libzbar.*")))
if _bundled:
    _find_library = ctypes.util.find_library

    def _find_with_bundled(name):
        return _bundled[0] if name == "zbar" else _find_library(name)

    ctypes.util.find_library = _find_with_bundled
