"""Staff call alerts: lifecycle (alerts), lamps, MQTT, the session link, console, call point.

See kiosk/staff/README.md. Modules import nothing heavy at package import time.
"""
