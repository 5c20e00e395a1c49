"""Keyboard-wedge (USB HID) scanners: tell a scanner's burst of keys from a person typing.

A wedge scanner is a keyboard that types very fast. ``WedgeFilter`` sits on the
application's windows and looks at every key press on its way to a window:

* With a **prefix** configured (the scanner is programmed to send one), keys that
  start the prefix are held back, and everything up to the suffix, Enter/Tab or
  ``end_silence_ms`` of silence is a scan. Other keys pass straight through.
* Without one, it goes by **timing**: each printable key is held back while it
  may still be the start of a burst. A burst is at least ``min_length``
  characters, each at most ``max_gap_ms`` after the previous, one key released
  before the next is pressed (people roll over keys, scanners do not), ended by
  Enter/Tab/suffix or ``end_silence_ms`` of silence.

Inside a text field of a dialog (``in_text_field(window)`` says so for the window the key
goes to; the app decides), fast typing is normal: people paste with remote-desktop "type the
clipboard" tools at ~30 ms a key. There a burst is a scan only when it looks like the
configured scanner: it starts with the prefix, or (with only a suffix set) ends with the
suffix. With neither set, every key goes into the field.

Held keys that turn out to be typing are replayed to the window they were meant
for, in order, so a person sees at most ``max_gap_ms`` of delay on the first key
and none of their text is lost; a scan never reaches the focused widget.

The shape follows qutebrowser's keyinput/eventfilter.py: key events only, only
where the target is a window (each key is seen once, before any widget), and
the filter switches itself off, rather than break the keyboard, if it raises.

Tests that play a scanner must send keys to the window, as the system does
(``QTest.keyClick(widget.windowHandle(), ...)``): keys sent straight to a widget
skip the window and so skip this filter.

Known limit: gaps are measured on the window system's timestamps, but the
end-of-burst decision runs on a timer; if the app is blocked for longer than
``end_silence_ms`` in the middle of a burst, the rest of the burst is treated
as a second scan.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QWindow
from PySide6.QtWidgets import QApplication

from scanners.scan import Scan, symbology_from_aim

log = logging.getLogger(__name__)

GS = "\x1d"
_END_KEYS = {Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Tab}
_MODIFIER_KEYS = {Qt.Key.Key_Shift, Qt.Key.Key_Control, Qt.Key.Key_Alt, Qt.Key.Key_AltGr,
                  Qt.Key.Key_Meta, Qt.Key.Key_CapsLock, Qt.Key.Key_NumLock}
_COMMAND_MODIFIERS = (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
                      | Qt.KeyboardModifier.MetaModifier)
_TIMER_SLACK_MS = 5


@dataclass(frozen=True)
class WedgeSettings:
    """How to recognise a scanner. Times in milliseconds."""

    prefix: str = ""
    suffix: str = ""
    min_length: int = 4
    max_gap_ms: int = 30
    end_silence_ms: int = 80
    reject_rollover: bool = True


@dataclass(frozen=True)
class _HeldKey:
    window: QWindow
    type: QEvent.Type
    key: int
    modifiers: Qt.KeyboardModifier
    text: str
    scan_code: int
    virtual_key: int
    native_modifiers: int

    @classmethod
    def of(cls, window: QWindow, event: QKeyEvent) -> _HeldKey:
        return cls(window, event.type(), event.key(), event.modifiers(), event.text(),
                   event.nativeScanCode(), event.nativeVirtualKey(), event.nativeModifiers())

    def event(self) -> QKeyEvent:
        return QKeyEvent(self.type, self.key, self.modifiers, self.scan_code, self.virtual_key,
                         self.native_modifiers, self.text)


class WedgeFilter(QObject):
    """Key filter on every window of the application that turns scanner bursts into
    ``scan_received(Scan)``."""

    scan_received = Signal(Scan)
    enabled_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None, *, settings: WedgeSettings | None = None,
                 in_text_field: Callable[[QWindow], bool] | None = None, **overrides: Any) -> None:
        super().__init__(parent)
        self._settings = replace(settings or WedgeSettings(), **overrides)
        self.in_text_field = in_text_field or (lambda window: False)
        self._strict = False  # this burst started in a dialog's text field
        self._enabled = True
        self._app: QApplication | None = None
        self._replaying = False
        self._held: list[_HeldKey] = []
        self._chars: list[str] = []
        self._down: set[int] = set()  # char keys of this burst pressed and not yet released
        self._swallow_release: set[int] = set()
        self._in_prefix = False
        self._last_ts = 0
        self._last_mono = 0.0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.timeout.connect(self._on_timer)

    # -- configuration --------------------------------------------------

    @property
    def settings(self) -> WedgeSettings:
        return self._settings

    @settings.setter
    def settings(self, value: WedgeSettings) -> None:
        self._release_to_user()
        self._settings = value

    def install(self, app: QApplication) -> None:
        """Watch every key press of ``app``'s windows.

        The filter sits on each window, not on the application: an application filter
        is called (in Python) for every event of every object, hundreds for each page
        shown, and each call makes a Python wrapper for its object. A key goes to the
        window that has the focus, so the filter is put on every window there is now and
        again whenever the focus moves to another window (a new dialog, say; installing
        twice keeps one filter)."""
        self._app = app
        self._watch_all()
        app.focusWindowChanged.connect(self._watch_all)

    def _watch_all(self, *_focus: object) -> None:
        if self._app is not None:
            for window in self._app.allWindows():
                window.installEventFilter(self)

    def uninstall(self) -> None:
        """Stop watching; keys held back so far are given to their window."""
        self._release_to_user()
        if self._app is not None:
            self._app.focusWindowChanged.disconnect(self._watch_all)
            for window in self._app.allWindows():  # (a filter not on it: nothing happens)
                window.removeEventFilter(self)
            self._app = None

    def is_enabled(self) -> bool:
        return self._enabled

    def set_enabled(self, enabled: bool) -> None:
        """Switch recognition on or off; when off, every key goes straight through."""
        if enabled == self._enabled:
            return
        if not enabled:
            self._release_to_user()
        self._enabled = enabled
        self.enabled_changed.emit(enabled)

    # -- Qt hook --------------------------------------------------------

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt name)
        if not self._enabled or self._replaying:
            return False
        kind = event.type()
        if kind not in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            return False
        if not isinstance(obj, QWindow):
            # The same key on its way from the window to a widget: already seen.
            return False
        try:
            assert isinstance(event, QKeyEvent)  # a key press or release, checked above
            if kind == QEvent.Type.KeyRelease:
                return self._on_release(obj, event)
            return self._on_press(obj, event)
        except Exception:
            # A broken filter must not take the keyboard with it.
            log.exception("keyboard-wedge filter failed; scanner recognition switched off")
            self._enabled = False
            try:
                self._release_to_user()
            finally:
                self.enabled_changed.emit(False)
            return False

    # -- decisions ------------------------------------------------------

    def _on_release(self, window: QWindow, event: QKeyEvent) -> bool:
        key = event.key()
        if key in self._swallow_release:
            self._swallow_release.discard(key)
            return True
        if self._held:
            self._down.discard(key)
            self._held.append(_HeldKey.of(window, event))
            return True
        return False

    def _on_press(self, window: QWindow, event: QKeyEvent) -> bool:
        s = self._settings
        now = event.timestamp() or int(time.monotonic() * 1000)
        key = event.key()
        char = self._char_of(event)
        is_end = key in _END_KEYS and not event.isAutoRepeat()
        if key in _MODIFIER_KEYS:
            if self._held:
                self._held.append(_HeldKey.of(window, event))
                return True
            return False
        if self._held and not self._in_prefix and now - self._last_ts > s.max_gap_ms:
            # Too slow to be the same burst: what was held is typing.
            self._release_to_user()
        if char is None and not is_end:
            self._release_to_user()
            return False
        if is_end:
            if self._held and self._is_complete():
                self._finish(swallow=key)
                return True
            self._release_to_user()
            return False
        assert char is not None  # no character and no end key returned above
        return self._on_char(window, event, char, now)

    def _on_char(self, window: QWindow, event: QKeyEvent, char: str, now: int) -> bool:
        s = self._settings
        if not self._held:
            if s.prefix and char != s.prefix[0]:
                return False
            self._strict = not s.prefix and self.in_text_field(window)
            if self._strict and not s.suffix:
                return False  # nothing a scanner would be told by: the key is typing
            self._in_prefix = bool(s.prefix)
        elif s.reject_rollover and self._down and not self._in_prefix:
            # A key still down when the next goes down: a person rolling over keys.
            self._release_to_user()
            return False
        self._held.append(_HeldKey.of(window, event))
        self._chars.append(char)
        self._down.add(event.key())
        self._last_ts = now
        self._last_mono = time.monotonic()
        text = "".join(self._chars)
        if s.prefix and len(text) <= len(s.prefix) and not s.prefix.startswith(text):
            self._release_to_user()
            return True  # replayed already, in order
        if s.suffix and text.endswith(s.suffix) and self._is_complete(strip_suffix=False):
            self._finish()
            return True
        self._timer.start(self._wait_ms())
        return True

    def _wait_ms(self) -> int:
        s = self._settings
        if self._in_prefix or len(self._chars) >= s.min_length:
            return s.end_silence_ms
        return s.max_gap_ms + _TIMER_SLACK_MS

    def _on_timer(self) -> None:
        if not self._held:
            return
        try:
            s = self._settings
            silence_ms = (time.monotonic() - self._last_mono) * 1000
            if not self._in_prefix and len(self._chars) < s.min_length:
                self._release_to_user()
            elif silence_ms + 1 < s.end_silence_ms:
                self._timer.start(int(s.end_silence_ms - silence_ms) + 1)
            elif self._is_complete():
                self._finish()
            else:
                self._release_to_user()
        except Exception:
            log.exception("keyboard-wedge timer failed; scanner recognition switched off")
            self._enabled = False
            self._held.clear()
            self.enabled_changed.emit(False)

    def _payload(self, strip_suffix: bool = True) -> str:
        s = self._settings
        text = "".join(self._chars)
        if s.prefix and text.startswith(s.prefix):
            text = text[len(s.prefix):]
        if strip_suffix and s.suffix and text.endswith(s.suffix):
            text = text[: -len(s.suffix)]
        return text

    def _is_complete(self, strip_suffix: bool = True) -> bool:
        s = self._settings
        text = "".join(self._chars)
        if s.prefix:
            return text.startswith(s.prefix) and bool(self._payload(strip_suffix))
        if self._strict and not text.endswith(s.suffix):
            return False  # in a dialog's field only the scanner's suffix makes it a scan
        return len(self._payload(strip_suffix)) >= s.min_length

    def _finish(self, swallow: int | None = None) -> None:
        """The held keys were a scan: drop them and report it."""
        text = self._payload()
        self._swallow_release |= self._down
        if swallow is not None:
            self._swallow_release.add(swallow)
        self._reset()
        self.scan_received.emit(Scan(text, symbology_from_aim(text), "usb", datetime.now()))

    def _release_to_user(self) -> None:
        """The held keys were typing: deliver them, in order, to their windows."""
        held = self._held
        self._reset()
        if not held:
            return
        self._replaying = True
        try:
            for item in held:
                if shiboken6.isValid(item.window):
                    QApplication.sendEvent(item.window, item.event())
        finally:
            self._replaying = False

    def _reset(self) -> None:
        self._timer.stop()
        self._held = []
        self._chars = []
        self._down = set()
        self._in_prefix = False
        self._strict = False

    @staticmethod
    def _char_of(event: QKeyEvent) -> str | None:
        """The character a key types, if it is one a scanner sends (GS included)."""
        if event.isAutoRepeat():
            return None
        text = event.text()
        mods = event.modifiers()
        if text == GS or (event.key() == Qt.Key.Key_BracketRight
                          and mods & Qt.KeyboardModifier.ControlModifier):
            return GS  # scanners type the GS1 separator as Ctrl+]
        if mods & _COMMAND_MODIFIERS:
            return None
        if len(text) == 1 and text.isprintable():
            return text
        return None
