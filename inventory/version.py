"""The application's version: the one place it is written (pyproject.toml reads it here)."""

__version__ = "0.1.0"


def version_text() -> str:
    """`stockroom --version`: the app and the database schema version it writes."""
    from .schema import CURRENT_VERSION

    return f"stockroom {__version__} (database schema {CURRENT_VERSION})"
