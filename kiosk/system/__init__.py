"""Running unattended: health, systemd's notify/watchdog protocol, logs that keep patrons' data out.

health    the one table of health checks (hw-check, maintenance screen, staff heartbeat)
probe     does the gateway answer (HTTP GET for the tunnel, TCP connect for the protocol)
watchdog  READY=1 / WATCHDOG=1 / STOPPING=1 over $NOTIFY_SOCKET
signals   stop signals handled on a thread of their own (no lock taken in a handler)
logs      the log set-up and its redaction filter (names, cards, passwords never logged)
database  how the kiosk opens its SQLite files (WAL, FULL sync, a capped page cache)
"""
