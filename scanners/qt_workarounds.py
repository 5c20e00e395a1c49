"""Workarounds for bugs in the Qt binding, each with its reason; empty when none applies.

WORKAROUND for PySide6 6.12.0: ``SignalInstance.emit()`` returns ``True``
without taking a reference to it, so each emit from Python drops one reference
to ``True``. A camera emitting 60 signals a second brings the count to zero in
seconds and CPython aborts ("bool_dealloc: deallocating True or False").
PySide6 6.11.3 does not do this. ``emit()`` below measures the binding once at
import and gives the reference back only when it is lost, so it is a no-op on a
fixed release. Use it for every emit in this package.
"""

from __future__ import annotations

import ctypes
import sys

from PySide6.QtCore import QObject, Signal, SignalInstance

_PROBES = 16
_incref = ctypes.pythonapi.Py_IncRef
_incref.argtypes = [ctypes.py_object]
_incref.restype = None


class _Probe(QObject):
    ping = Signal()


def _emit_drops_true() -> bool:
    probe = _Probe()
    before = sys.getrefcount(True)
    for _ in range(_PROBES):
        probe.ping.emit()
    lost = before - sys.getrefcount(True)
    if lost >= _PROBES - 2:
        for _ in range(_PROBES):
            _incref(True)
        return True
    return False


EMIT_DROPS_TRUE = _emit_drops_true()


def emit(signal: SignalInstance, *args: object) -> None:
    """``signal.emit(*args)``, without the reference loss of PySide6 6.12.0."""
    signal.emit(*args)
    if EMIT_DROPS_TRUE:
        _incref(True)
