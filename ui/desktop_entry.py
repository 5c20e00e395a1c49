"""`stockroom desktop-entry`: put Stockroom in a Linux desktop's applications menu.

Writes resources/app/stockroom.desktop into the user's applications folder
($XDG_DATA_HOME/applications, normally ~/.local/share/applications) with `Exec=` set to
the program that is running now (the pipx/uv command, the bundle, or `python main.py` in
a checkout), and the icon into the hicolor theme beside it. No Qt needed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

from resources.app_icon import DESKTOP_FILE, PNG_SIZES, SVG, png

FILE_NAME = "stockroom.desktop"
ICON_NAME = "stockroom"


def data_home() -> Path:
    """$XDG_DATA_HOME, else ~/.local/share (the XDG base directory rule)."""
    value = os.environ.get("XDG_DATA_HOME", "")
    return Path(value) if os.path.isabs(value) else Path.home() / ".local" / "share"


def program_command() -> list[str]:
    """How to start the program that is running now, as absolute paths."""
    if getattr(sys, "frozen", False):  # the PyInstaller bundle
        return [str(Path(sys.executable).resolve())]
    argv0 = Path(sys.argv[0])
    if argv0.suffix == ".py":  # python main.py in a checkout
        return [str(Path(sys.executable).absolute()), str(argv0.resolve())]
    found = shutil.which(sys.argv[0])
    return [str(Path(found).absolute() if found else argv0.absolute())]


def _quote(arg: str) -> str:
    """One Exec= argument, quoted as the Desktop Entry specification says."""
    arg = arg.replace("%", "%%")  # % starts a field code (%f, %U ...)
    if not any(c in arg for c in ' \t\n"\'\\><~|&;$*?#()`'):
        return arg
    escaped = "".join("\\" + c if c in '"`$\\' else c for c in arg)
    return f'"{escaped}"'


def entry_text(command: list[str]) -> str:
    """The shipped desktop file with Exec= and TryExec= naming `command`."""
    lines = []
    for line in DESKTOP_FILE.read_text(encoding="utf-8").splitlines():
        if line.startswith("Exec="):
            line = "Exec=" + " ".join(_quote(a) for a in command)
        elif line.startswith("TryExec="):
            line = "TryExec=" + command[0]
        lines.append(line)
    return "\n".join(lines) + "\n"


def icon_paths(root: Path) -> dict[Path, Path]:
    """Where each icon file goes in the hicolor theme under `root` → its source."""
    theme = root / "icons" / "hicolor"
    paths = {theme / f"{s}x{s}" / "apps" / f"{ICON_NAME}.png": png(s) for s in PNG_SIZES}
    paths[theme / "scalable" / "apps" / f"{ICON_NAME}.svg"] = SVG
    return paths


def install(root: Path, command: list[str]) -> Path:
    """Write the entry and its icons under `root`; returns the desktop file written."""
    target = root / "applications" / FILE_NAME
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".tmp")
    tmp.write_text(entry_text(command), encoding="utf-8")
    tmp.chmod(0o755)  # some desktops only trust an entry that is executable
    os.replace(tmp, target)
    for dest, source in icon_paths(root).items():
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, dest)
    _refresh(root)
    return target


def uninstall(root: Path) -> list[Path]:
    """Remove what `install` wrote; returns the files removed."""
    removed = []
    for path in [root / "applications" / FILE_NAME, *icon_paths(root)]:
        if path.exists():
            path.unlink()
            removed.append(path)
    _refresh(root)
    return removed


def _refresh(root: Path) -> None:
    """Tell the desktop's caches, where the tools exist (desktops also watch the folders)."""
    tools = (["update-desktop-database", "-q", str(root / "applications")],
             ["gtk-update-icon-cache", "-q", "-t", str(root / "icons" / "hicolor")])
    for cmd in tools:
        if shutil.which(cmd[0]):
            subprocess.run(cmd, check=False, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)


def cmd_desktop_entry(args: argparse.Namespace) -> int:
    if args.print:
        print(entry_text(program_command()), end="")
        return 0
    if not sys.platform.startswith(("linux", "freebsd", "openbsd", "netbsd")):
        print("error: desktop entries are for Linux desktops. On Windows and macOS, pin the "
              "bundle's program (see README, 'Install') to the Start menu or the Dock.",
              file=sys.stderr)
        return 1
    root = data_home()
    if args.uninstall:
        removed = uninstall(root)
        print(f"removed {len(removed)} files" if removed else "no desktop entry was installed")
        return 0
    if not args.install:
        print("error: say --install, --uninstall or --print", file=sys.stderr)
        return 2
    try:
        target = install(root, program_command())
    except OSError as exc:
        print(f"error: cannot write {exc.filename}: {exc.strerror}. Check that your home "
              "folder is writable, or set XDG_DATA_HOME to a folder that is.", file=sys.stderr)
        return 1
    print(f"installed {target}: Stockroom is in your applications menu "
          f"(starts {' '.join(program_command())})")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("desktop-entry",
                              help="add Stockroom to the Linux applications menu")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--install", action="store_true",
                       help="write stockroom.desktop and the icon into your data folder")
    group.add_argument("--uninstall", action="store_true", help="remove them again")
    group.add_argument("--print", action="store_true",
                       help="print the desktop file this program would install")
    p.set_defaults(func=cmd_desktop_entry)
