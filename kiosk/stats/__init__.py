"""The library's numbers (issue 15): facts recorded by the kiosk (store, recorder), days and
periods (figures), reports for staff (report, `kiosk stats`), the daily figures sent to the
staff console (publish) and drawn there (charts)."""

from __future__ import annotations

from pathlib import Path

STATS_FILE = "stats.sqlite3"


def stats_path(journal_file: str | Path) -> Path:
    """The statistics file lives beside the journal."""
    return Path(journal_file).with_name(STATS_FILE)
