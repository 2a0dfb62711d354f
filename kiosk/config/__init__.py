"""The kiosk's configuration: one TOML file, every key with a default.

schema          the sections and their keys (dataclasses with the embedded defaults)
load            reading TOML into the sections (types checked), then the checks
checks          every semantic check, one function per section in one table (CHECKS)
gateway_checks  the [gateway] row of that table: url, databases, the password file
problem         a Problem: the key with its value, what is wrong, the fix
paths           the one state-directory rule (state_dir) and the journal's place
reach           whether the configured gateway answers (check_gateway_reachable)
wiring          the suggested GPIO wiring (SUGGESTED_WIRING) from the key table
views           the configuration as plain values for a layer (session_settings for the core)
cli             `kiosk config-check`
"""

from kiosk.config.checks import CHECKS, section_problems, validate_config
from kiosk.config.load import config_from_dict, fill_section, load_config
from kiosk.config.paths import journal_path, state_dir
from kiosk.config.problem import Problem
from kiosk.config.reach import check_gateway_reachable
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
)
from kiosk.config.views import session_settings
from kiosk.config.wiring import SUGGESTED_WIRING

__all__ = [
    "CHECKS", "SUGGESTED_WIRING", "Config", "ConfigError", "GatewaySection", "HardwareSection", "JournalSection",
    "KioskSection", "LoansSection", "LoggingSection", "MaintenanceSection", "Problem",
    "SessionSection", "SpeechSection", "StaffSection", "UiSection", "check_gateway_reachable",
    "config_from_dict", "fill_section", "journal_path", "load_config", "section_problems",
    "session_settings", "state_dir", "validate_config",
]
