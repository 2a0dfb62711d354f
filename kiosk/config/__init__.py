"""The kiosk's configuration: one TOML file, every key with a default.

schema   the sections and their keys (dataclasses with the embedded defaults)
checks   every semantic check, each naming the key, what is wrong and the fix
views    the configuration as plain values for a layer (session_settings for the core)
"""

from kiosk.config.schema import (
    Config,
    ConfigError,
    GatewaySection,
    HardwareSection,
    JournalSection,
    KioskSection,
    LoansSection,
    LoggingSection,
    MaintenanceSection,
    SessionSection,
    SpeechSection,
    StaffSection,
    UiSection,
    check_gateway_reachable,
    config_from_dict,
    load_config,
    validate_config,
)
from kiosk.config.views import session_settings

__all__ = [
    "Config", "ConfigError", "GatewaySection", "HardwareSection", "JournalSection",
    "KioskSection", "LoansSection", "LoggingSection", "MaintenanceSection", "SessionSection",
    "SpeechSection", "StaffSection", "UiSection", "check_gateway_reachable",
    "config_from_dict", "load_config", "session_settings", "validate_config",
]
