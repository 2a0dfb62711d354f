"""Loans are never lost: every transaction written to a SQLite journal before it is sent,
the offline queue and its replay, unfinished entries settled at start; `kiosk journal`."""
