"""WORKAROUND for PySide6 6.12.0 on CPython 3.11: every void method called from Python
(QPainter.fillRect, QPainter.setPen, QLabel.setText, ...) hands back None without taking
a reference to it, so each call drops one reference to None. CPython 3.11 starts with
about 5,000 of them; a sheet of labels makes more calls than that and the interpreter
aborts with "none_dealloc: deallocating None". PySide6 6.11.3 does not do this, and
CPython 3.12 makes None immortal.

`protect_none()` measures the binding once; when it drops references, None (which is
never freed anyway) is given a large stock of extra references, so the loss can no
longer reach zero in any realistic run. It does nothing on a fixed binding.
"""

from __future__ import annotations

import ctypes
import sys

RESERVE = 1 << 40
_PROBES = 16
_done: bool | None = None


def _drops_none() -> bool:
    from PySide6.QtCore import QObject

    probe = QObject()
    before = sys.getrefcount(None)
    for _ in range(_PROBES):
        probe.setObjectName("probe")
    return before - sys.getrefcount(None) >= _PROBES - 2


def protect_none() -> bool:
    """Apply the workaround if this binding needs it (once per process)."""
    global _done
    if _done is None:
        _done = sys.version_info < (3, 12) and _drops_none()
        if _done:
            ctypes.c_ssize_t.from_address(id(None)).value += RESERVE
    return _done
