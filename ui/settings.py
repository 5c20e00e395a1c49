"""The one place that reads and writes QSettings: typed getters and setters.

Everything the app remembers between runs goes through `Settings`: window geometry,
table headers, the last view, the database, and how the scanners are set up. Other
modules never create a QSettings of their own.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QObject, QSettings, Signal

ORGANIZATION = "Stockroom"
APPLICATION = "Stockroom"

ALL_SYMBOLOGIES = ("code128", "code39", "ean13", "ean8", "upca", "upce", "qr", "datamatrix",
                   "gs1-128", "gs1-datamatrix", "gs1-qr", "itf")
RESOLUTIONS = ((640, 480), (1280, 720), (1920, 1080))


def _int(value, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _bool(value, default: bool) -> bool:
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    return str(value).lower() in ("1", "true", "yes", "on")


class Settings(QObject):
    """Typed access to the app's settings. `changed(group)` after a scanner setting changes
    ("wedge", "serial", "camera", "symbologies", "database")."""

    changed = Signal(str)

    def __init__(self, store: QSettings | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._s = store if store is not None else QSettings(ORGANIZATION, APPLICATION)

    @classmethod
    def in_file(cls, path: str, parent: QObject | None = None) -> Settings:
        """Settings kept in an INI file (tests, screenshots, a portable install)."""
        return cls(QSettings(str(path), QSettings.Format.IniFormat), parent)

    def sync(self) -> None:
        self._s.sync()

    def location(self) -> str:
        """Where the settings are kept (a file, or the registry key on Windows)."""
        return self._s.fileName()

    def _get(self, key: str, default=None):
        return self._s.value(key, default)

    def _set(self, key: str, value, group: str | None = None) -> None:
        if self._s.value(key) == value:
            return
        self._s.setValue(key, value)
        if group:
            self.changed.emit(group)

    # -- window -------------------------------------------------------------------------

    def geometry(self) -> QByteArray | None:
        value = self._get("window/geometry")
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def set_geometry(self, value: QByteArray) -> None:
        self._s.setValue("window/geometry", value)

    def header_state(self, view: str) -> QByteArray | None:
        """Column widths, order and sort of one table."""
        value = self._get(f"tables/{view}/header")
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def set_header_state(self, view: str, value: QByteArray) -> None:
        self._s.setValue(f"tables/{view}/header", value)

    def column_widths(self, view: str) -> list[int]:
        raw = self._get(f"tables/{view}/widths", "")
        if isinstance(raw, list):
            raw = ",".join(str(v) for v in raw)
        return [_int(w, 0) for w in str(raw).split(",") if w.strip()]

    def set_column_widths(self, view: str, widths: list[int]) -> None:
        self._s.setValue(f"tables/{view}/widths", ",".join(str(w) for w in widths))

    def splitter_state(self, name: str) -> QByteArray | None:
        value = self._get(f"splitters/{name}")
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def set_splitter_state(self, name: str, value: QByteArray) -> None:
        self._s.setValue(f"splitters/{name}", value)

    def last_view(self) -> str:
        return str(self._get("window/last_view", "dashboard") or "dashboard")

    def set_last_view(self, key: str) -> None:
        self._s.setValue("window/last_view", key)

    # -- database -----------------------------------------------------------------------

    def database_url(self) -> str:
        return str(self._get("database/url", "") or "")

    def set_database_url(self, url: str) -> None:
        self._set("database/url", url.strip(), "database")

    def last_operator(self) -> str:
        return str(self._get("database/last_operator", "") or "")

    def set_last_operator(self, username: str) -> None:
        self._s.setValue("database/last_operator", username)

    # -- keyboard wedge -----------------------------------------------------------------

    def wedge_prefix(self) -> str:
        return str(self._get("wedge/prefix", "") or "")

    def set_wedge_prefix(self, value: str) -> None:
        self._set("wedge/prefix", value, "wedge")

    def wedge_suffix(self) -> str:
        return str(self._get("wedge/suffix", "") or "")

    def set_wedge_suffix(self, value: str) -> None:
        self._set("wedge/suffix", value, "wedge")

    def wedge_min_length(self) -> int:
        return max(1, _int(self._get("wedge/min_length"), 4))

    def set_wedge_min_length(self, value: int) -> None:
        self._set("wedge/min_length", int(value), "wedge")

    def wedge_max_gap_ms(self) -> int:
        return max(1, _int(self._get("wedge/max_gap_ms"), 30))

    def set_wedge_max_gap_ms(self, value: int) -> None:
        self._set("wedge/max_gap_ms", int(value), "wedge")

    def wedge_end_silence_ms(self) -> int:
        return max(1, _int(self._get("wedge/end_silence_ms"), 80))

    def set_wedge_end_silence_ms(self, value: int) -> None:
        self._set("wedge/end_silence_ms", int(value), "wedge")

    def wedge_enabled(self) -> bool:
        return _bool(self._get("wedge/enabled"), True)

    def set_wedge_enabled(self, value: bool) -> None:
        self._set("wedge/enabled", bool(value), "wedge")

    # -- serial scanner -----------------------------------------------------------------

    def serial_port(self) -> str:
        """The port path, or "" when no serial scanner is used."""
        return str(self._get("serial/port", "") or "")

    def set_serial_port(self, value: str) -> None:
        self._set("serial/port", value, "serial")

    def serial_baudrate(self) -> int:
        return _int(self._get("serial/baudrate"), 9600)

    def set_serial_baudrate(self, value: int) -> None:
        self._set("serial/baudrate", int(value), "serial")

    # -- camera -------------------------------------------------------------------------

    def camera_enabled(self) -> bool:
        return _bool(self._get("camera/enabled"), False)

    def set_camera_enabled(self, value: bool) -> None:
        self._set("camera/enabled", bool(value), "camera")

    def camera_index(self) -> int:
        return max(0, _int(self._get("camera/index"), 0))

    def set_camera_index(self, value: int) -> None:
        self._set("camera/index", int(value), "camera")

    def camera_resolution(self) -> tuple[int, int]:
        raw = str(self._get("camera/resolution", "1280x720") or "1280x720")
        try:
            w, h = (int(v) for v in raw.lower().split("x"))
            return (w, h) if w > 0 and h > 0 else (1280, 720)
        except ValueError:
            return (1280, 720)

    def set_camera_resolution(self, value: tuple[int, int]) -> None:
        self._set("camera/resolution", f"{value[0]}x{value[1]}", "camera")

    # -- symbologies, feedback ----------------------------------------------------------

    def enabled_symbologies(self) -> list[str]:
        raw = self._get("scanning/symbologies")
        if raw is None:
            return list(ALL_SYMBOLOGIES)
        if isinstance(raw, str):
            raw = [s for s in raw.split(",") if s]
        return [s for s in raw if s in ALL_SYMBOLOGIES]

    def set_enabled_symbologies(self, values: list[str]) -> None:
        self._set("scanning/symbologies", ",".join(s for s in ALL_SYMBOLOGIES if s in values),
                  "symbologies")

    def sound_enabled(self) -> bool:
        return _bool(self._get("scanning/sound"), True)

    def set_sound_enabled(self, value: bool) -> None:
        self._set("scanning/sound", bool(value), "sound")

    # -- display and the counter ----------------------------------------------------------

    def currency(self) -> str:
        """The ISO code money is shown in; "" for the locale's own currency."""
        value = str(self._get("display/currency", "") or "").strip().upper()
        return value if len(value) == 3 and value.isalpha() else ""

    def set_currency(self, value: str) -> None:
        self._set("display/currency", value.strip().upper(), "display")

    def loan_days(self) -> int:
        """The default loan period of a check-out (the due date it proposes), in days."""
        return min(365, max(1, _int(self._get("station/loan_days"), 14)))

    def set_loan_days(self, value: int) -> None:
        self._set("station/loan_days", int(value), "station")

    def column_choice(self, view: str) -> tuple[list[str], list[str], dict[str, int]]:
        """The columns of one table the user chose to show, to hide (header labels), and
        the widths they gave by hand."""
        def names(key: str) -> list[str]:
            raw = self._get(f"tables/{view}/{key}", "")
            if isinstance(raw, list):
                raw = "\x1f".join(str(v) for v in raw)
            return [v for v in str(raw or "").split("\x1f") if v]
        widths = {}
        for item in names("user_widths"):
            label, _, width = item.rpartition("=")
            if label and _int(width, 0) > 0:
                widths[label] = min(_int(width, 0), 2000)
        return names("shown"), names("hidden"), widths

    def set_column_choice(self, view: str, shown: list[str], hidden: list[str],
                          widths: dict[str, int]) -> None:
        self._s.setValue(f"tables/{view}/shown", "\x1f".join(shown))
        self._s.setValue(f"tables/{view}/hidden", "\x1f".join(hidden))
        self._s.setValue(f"tables/{view}/user_widths",
                         "\x1f".join(f"{k}={v}" for k, v in widths.items()))
