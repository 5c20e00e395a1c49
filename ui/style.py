"""The look: one palette, one style sheet, and the colours of every status."""

from __future__ import annotations

from importlib import resources

from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication

ACCENT = "#2563eb"
ACCENT_DARK = "#1d4ed8"
ACCENT_SOFT = "#dbeafe"
TEXT = "#111827"
MUTED = "#6b7280"
BORDER = "#e5e7eb"
BORDER_STRONG = "#d1d5db"
WINDOW = "#f4f5f7"
SURFACE = "#ffffff"
SIDEBAR = "#111827"
SIDEBAR_TEXT = "#d1d5db"
SIDEBAR_HOVER = "#1f2937"
DANGER = "#b91c1c"
DANGER_SOFT = "#fee2e2"
SUCCESS = "#15803d"
SUCCESS_SOFT = "#dcfce7"
WARNING = "#b45309"
WARNING_SOFT = "#fef3c7"
INFO_SOFT = "#e0f2fe"

# (text colour, background) per status value, across tables.
_GREEN = ("#166534", "#dcfce7")
_BLUE = ("#1e40af", "#dbeafe")
_AMBER = ("#92400e", "#fef3c7")
_PURPLE = ("#6b21a8", "#f3e8ff")
_GREY = ("#374151", "#e5e7eb")
_RED = ("#991b1b", "#fee2e2")
STATUS_COLOURS: dict[str, tuple[str, str]] = {
    "in_stock": _GREEN, "deployed": _BLUE, "in_repair": _AMBER, "in_transit": _PURPLE,
    "retired": _GREY, "lost": _RED, "disposed": _GREY,
    "draft": _GREY, "ordered": _BLUE, "partly_received": _AMBER, "received": _GREEN,
    "cancelled": _GREY,
    "ok": _GREEN, "full": _AMBER, "renewal_due": _AMBER, "over": _RED, "expired": _RED,
    "active": _GREEN, "left": _GREY,
    "requested": _AMBER, "approved": _BLUE, "reserved": _PURPLE, "fulfilled": _GREEN,
    "rejected": _RED,
}
STATUS_LABELS: dict[str, str] = {
    "in_stock": "In stock", "deployed": "Deployed", "in_repair": "In repair",
    "in_transit": "In transit", "retired": "Retired", "lost": "Lost", "disposed": "Disposed",
    "draft": "Draft", "ordered": "Ordered", "partly_received": "Part received",
    "received": "Received", "cancelled": "Cancelled", "ok": "OK", "full": "All used",
    "renewal_due": "Renewal due", "over": "Over-used", "expired": "Expired",
    "active": "Active", "left": "Left",
    "requested": "Waiting", "approved": "Approved", "reserved": "Reserved",
    "fulfilled": "Fulfilled", "rejected": "Rejected",
}
KIND_LABELS: dict[str, str] = {
    "device": "Device", "spare": "Spare", "consumable": "Consumable", "license": "License",
    "site": "Site", "stockroom": "Stockroom", "3pl": "3PL", "msp": "MSP", "repair": "Repair",
    "in_transit": "In transit", "disposal": "Disposal",
    "per_user": "Per user", "per_device": "Per device", "subscription": "Subscription",
}

CHART_COLOURS = ("#2563eb", "#0d9488", "#f59e0b", "#8b5cf6", "#ef4444", "#64748b")


def status_label(value: str) -> str:
    return STATUS_LABELS.get(value, value.replace("_", " ").capitalize())


def kind_label(value: str) -> str:
    return KIND_LABELS.get(value, value.replace("_", " ").capitalize())


def status_colours(value: str) -> tuple[QColor, QColor]:
    fg, bg = STATUS_COLOURS.get(value, _GREY)
    return QColor(fg), QColor(bg)


def _icon_path(name: str) -> str:
    return str(resources.files("resources") / "icons" / f"{name}.svg").replace("\\", "/")


_DOWN = _icon_path("chevron-down")
_UP = _icon_path("chevron-up")

STYLE_SHEET = f"""
QMainWindow, QDialog {{ background: {WINDOW}; }}
QWidget {{ color: {TEXT}; }}
QToolTip {{ color: {TEXT}; background: {SURFACE}; border: 1px solid {BORDER_STRONG};
           padding: 4px 6px; }}

#Sidebar {{ background: {SIDEBAR}; }}
#SidebarTitle {{ color: white; font-size: 15pt; font-weight: 600; padding: 2px 0 0 0; }}
#SidebarSubtitle {{ color: #9ca3af; font-size: 8.5pt; }}
#SidebarList {{ background: transparent; border: none; color: {SIDEBAR_TEXT};
               outline: none; font-size: 10pt; }}
#SidebarList::item {{ padding: 7px 10px; border-radius: 6px; margin: 1px 8px; }}
#SidebarList::item:hover {{ background: {SIDEBAR_HOVER}; color: white; }}
#SidebarList::item:selected {{ background: {ACCENT}; color: white; }}
#SidebarFooter {{ color: #9ca3af; font-size: 8.5pt; }}

#PageTitle {{ font-size: 16pt; font-weight: 600; }}
#PageSubtitle {{ color: {MUTED}; }}
#SectionTitle {{ font-size: 10.5pt; font-weight: 600; margin-top: 6px; }}
#Muted {{ color: {MUTED}; }}
#Card {{ background: {SURFACE}; border: 1px solid {BORDER}; border-radius: 8px; }}
#DetailPane {{ background: {SURFACE}; border: 1px solid {BORDER}; border-radius: 8px; }}
#DetailTitle {{ font-size: 13pt; font-weight: 600; }}
#FieldLabel {{ color: {MUTED}; }}
#Timeline {{ border: 1px solid {BORDER}; border-radius: 8px; background: {SURFACE}; }}
#TimelineItem {{ border-top: 1px solid #f0f1f3; }}
#FieldError {{ color: {DANGER}; font-size: 8.5pt; }}
#FormError {{ color: {DANGER}; background: {DANGER_SOFT}; border-radius: 6px; padding: 8px; }}

QLineEdit, QComboBox, QSpinBox, QDoubleSpinBox, QDateEdit, QPlainTextEdit, QTextEdit {{
    background: {SURFACE}; border: 1px solid {BORDER_STRONG}; border-radius: 6px;
    padding: 4px 7px; selection-background-color: {ACCENT}; min-height: 20px; }}
QLineEdit:focus, QComboBox:focus, QSpinBox:focus, QDoubleSpinBox:focus, QDateEdit:focus,
QPlainTextEdit:focus {{ border: 1px solid {ACCENT}; }}
QLineEdit[invalid="true"], QComboBox[invalid="true"], QSpinBox[invalid="true"],
QPlainTextEdit[invalid="true"], QDateEdit[invalid="true"], QDoubleSpinBox[invalid="true"] {{
    border: 1px solid {DANGER}; background: #fffafa; }}
QLineEdit:disabled, QComboBox:disabled {{ background: #f3f4f6; color: {MUTED}; }}
#SearchBox {{ padding-left: 8px; min-width: 260px; }}
QComboBox {{ padding-right: 24px; }}
QComboBox::drop-down {{ subcontrol-origin: padding; subcontrol-position: center right;
    width: 22px; border: none; }}
QComboBox::down-arrow {{ image: url({_DOWN}); width: 11px; height: 11px; }}
QComboBox QAbstractItemView {{ border: 1px solid {BORDER_STRONG}; background: {SURFACE};
    selection-background-color: {ACCENT_SOFT}; selection-color: {TEXT}; outline: none; }}
QDateEdit::drop-down {{ subcontrol-origin: padding; subcontrol-position: center right;
    width: 22px; border: none; }}
QDateEdit::down-arrow {{ image: url({_DOWN}); width: 11px; height: 11px; }}
QSpinBox::up-button, QDoubleSpinBox::up-button {{ subcontrol-position: top right; width: 18px;
    border: none; }}
QSpinBox::down-button, QDoubleSpinBox::down-button {{ subcontrol-position: bottom right;
    width: 18px; border: none; }}
QSpinBox::up-arrow, QDoubleSpinBox::up-arrow {{ image: url({_UP}); width: 9px; height: 9px; }}
QSpinBox::down-arrow, QDoubleSpinBox::down-arrow {{ image: url({_DOWN}); width: 9px;
    height: 9px; }}
QCheckBox, QRadioButton {{ spacing: 7px; }}

QPushButton {{ background: {SURFACE}; border: 1px solid {BORDER_STRONG}; border-radius: 6px;
              padding: 5px 12px; min-height: 20px; }}
QPushButton:hover {{ background: #f9fafb; border-color: #9ca3af; }}
QPushButton:pressed {{ background: #f3f4f6; }}
QPushButton:disabled {{ color: #9ca3af; background: #f9fafb; border-color: {BORDER}; }}
QPushButton:focus {{ border: 1px solid {ACCENT}; }}
QPushButton[primary="true"] {{ background: {ACCENT}; color: white; border-color: {ACCENT}; }}
QPushButton[primary="true"]:hover {{ background: {ACCENT_DARK}; }}
QPushButton[primary="true"]:disabled {{ background: #93c5fd; border-color: #93c5fd;
                                        color: white; }}
QPushButton[danger="true"] {{ color: {DANGER}; }}
QPushButton::menu-indicator {{ width: 0; }}
QToolButton#PageAction, QToolButton#PrimaryAction {{ background: {SURFACE};
    border: 1px solid {BORDER_STRONG}; border-radius: 6px; padding: 5px 10px 5px 8px; }}
QToolButton#PageAction:hover {{ background: #f9fafb; border-color: #9ca3af; }}
QToolButton#PageAction:disabled {{ color: #9ca3af; border-color: {BORDER}; }}
QToolButton#PrimaryAction {{ background: {ACCENT}; color: white; border-color: {ACCENT};
    font-weight: 600; }}
QToolButton#PrimaryAction:hover {{ background: {ACCENT_DARK}; }}
QToolButton#PrimaryAction:disabled {{ background: #93c5fd; border-color: #93c5fd; }}
QToolButton#PageAction::menu-indicator {{ image: url({_DOWN}); width: 10px;
    subcontrol-position: right center; subcontrol-origin: padding; right: 4px; }}
QToolButton#PageAction[popupMode="2"] {{ padding-right: 20px; }}

QTableView, QTreeView, QListView {{ background: {SURFACE}; border: 1px solid {BORDER};
    border-radius: 8px; gridline-color: #f0f1f3; alternate-background-color: #fafbfc;
    selection-background-color: {ACCENT_SOFT}; selection-color: {TEXT}; }}
QTableView::item {{ padding: 0 6px; }}
QTableView::item:selected {{ background: {ACCENT_SOFT}; color: {TEXT}; }}
QHeaderView::section {{ background: #f9fafb; color: #4b5563; border: none;
    border-bottom: 1px solid {BORDER}; border-right: 1px solid #f0f1f3; padding: 5px 6px;
    font-weight: 600; }}
QHeaderView::section:hover {{ background: #f3f4f6; }}
QTableCornerButton::section {{ background: #f9fafb; border: none; }}

QScrollArea {{ border: none; background: transparent; }}
QSplitter::handle {{ background: transparent; }}
QSplitter::handle:horizontal {{ width: 10px; }}
QSplitter::handle:vertical {{ height: 10px; }}

QStatusBar {{ background: {SURFACE}; border-top: 1px solid {BORDER}; color: #374151; }}
QStatusBar::item {{ border: none; }}
#StatusPill {{ border-radius: 9px; padding: 1px 9px; margin: 2px 2px; }}

QTabWidget::pane {{ border: 1px solid {BORDER}; border-radius: 8px; background: {SURFACE};
                   top: -1px; }}
QTabBar::tab {{ padding: 6px 14px; border: 1px solid transparent; color: {MUTED}; }}
QTabBar::tab:selected {{ color: {TEXT}; border-bottom: 2px solid {ACCENT}; }}
QGroupBox {{ background: {SURFACE}; border: 1px solid {BORDER}; border-radius: 8px;
            margin-top: 14px; padding: 14px 12px 10px 12px; font-weight: 600; }}
QGroupBox::title {{ subcontrol-origin: margin; left: 12px; padding: 0 4px; }}
QMenuBar {{ background: {SURFACE}; border-bottom: 1px solid {BORDER}; padding: 1px 6px; }}
QMenuBar::item {{ padding: 4px 10px; border-radius: 4px; background: transparent; }}
QMenuBar::item:selected {{ background: {ACCENT_SOFT}; }}
QMenu {{ background: {SURFACE}; border: 1px solid {BORDER_STRONG}; padding: 4px; }}
QMenu::item {{ padding: 5px 22px 5px 14px; border-radius: 4px; }}
QMenu::item:selected {{ background: {ACCENT_SOFT}; }}
QMenu::separator {{ height: 1px; background: {BORDER}; margin: 4px 8px; }}
"""


def apply(app: QApplication) -> None:
    """Fusion with our palette and style sheet, and a font that reads well at a counter."""
    app.setStyle("Fusion")
    pal = QPalette()
    pal.setColor(QPalette.ColorRole.Window, QColor(WINDOW))
    pal.setColor(QPalette.ColorRole.Base, QColor(SURFACE))
    pal.setColor(QPalette.ColorRole.AlternateBase, QColor("#fafbfc"))
    pal.setColor(QPalette.ColorRole.Text, QColor(TEXT))
    pal.setColor(QPalette.ColorRole.WindowText, QColor(TEXT))
    pal.setColor(QPalette.ColorRole.ButtonText, QColor(TEXT))
    pal.setColor(QPalette.ColorRole.Button, QColor(SURFACE))
    pal.setColor(QPalette.ColorRole.Highlight, QColor(ACCENT))
    pal.setColor(QPalette.ColorRole.HighlightedText, QColor("white"))
    pal.setColor(QPalette.ColorRole.PlaceholderText, QColor("#9ca3af"))
    pal.setColor(QPalette.ColorRole.Link, QColor(ACCENT))
    pal.setColor(QPalette.ColorRole.ToolTipBase, QColor(SURFACE))
    pal.setColor(QPalette.ColorRole.ToolTipText, QColor(TEXT))
    app.setPalette(pal)
    font = QFont(app.font())
    font.setFamilies(["Inter", "Segoe UI", "SF Pro Text", "Noto Sans", "Cantarell",
                      "DejaVu Sans"])
    font.setPointSizeF(9.5)
    app.setFont(font)
    app.setStyleSheet(STYLE_SHEET)
