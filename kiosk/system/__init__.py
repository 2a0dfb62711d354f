"""Running unattended: systemd's notify/watchdog protocol and logs that keep patrons' data out.

watchdog  READY=1 / WATCHDOG=1 / STOPPING=1 over $NOTIFY_SOCKET
logs      the log set-up and its redaction filter (names, cards, passwords never logged)
"""
