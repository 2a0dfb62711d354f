"""The configuration's schema: every section and key with its default (the embedded defaults).

Sections and keys of contracts.md at least; each area adds its own section here. Reading a
file is kiosk.config.load's job, judging the values kiosk.config.checks'.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kiosk.core.languages import DEFAULT_LANGUAGE


class ConfigError(ValueError):
    """A configuration the kiosk cannot start with; the text names the key and the fix.
    `problems` lists every problem found (kiosk.config.checks.Problem)."""

    problems: list[Any]

    def __init__(self, message: str, problems: list[Any] | None = None) -> None:
        super().__init__(message)
        self.problems = list(problems or [])


@dataclass
class KioskSection:
    id: str = "kiosk-1"
    place: str = "КИОСК1"  # written to 40^V
    operator: str = "kiosk1"  # written to 40^I
    library_name: str = "Абай атындағы облыстық балалар кітапханасы"
    default_language: str = DEFAULT_LANGUAGE  # one of kiosk.core.languages.LANGUAGES
    data_dir: str = ""  # journal, caches; "" = ~/.local/state/kiosk (or $STATE_DIRECTORY)
    record_visits: bool = True  # a visit repeat in RDR 40 per reader and day (kiosk.irbis.visits)


@dataclass
class GatewaySection:
    url: str = ""  # "" = start the embedded server with demo data
    username: str = "kiosk1"
    password: str = ""
    password_file: str = ""
    readers_db: str = "RDR"
    catalog_db: str = "IBIS"
    requests_db: str = "RQST"
    timeout_s: float = 3.0
    ca_file: str = ""  # custom CA bundle for https gateways

    def resolved_password(self) -> str:
        """IRBIS password from the environment, the 0600 file, or the config (development)."""
        if os.environ.get("IRBIS_PASSWORD"):
            return os.environ["IRBIS_PASSWORD"]
        if self.password_file:
            return Path(self.password_file).read_text(encoding="utf-8").strip()
        return self.password

    def resolved_username(self) -> str:
        return os.environ.get("IRBIS_USER") or self.username


@dataclass
class IrbisSection:
    """How the client treats a slow or busy gateway (kiosk.irbis.retry)."""

    read_timeout_s: float = 3.0  # one read request (search, read)
    save_timeout_s: float = 10.0  # one save: a save in flight is waited for longer
    attempts: int = 4  # tries of a read after -6666 or a dropped connection, in all
    backoff_s: float = 0.05  # the first pause before another try; doubled each time, at most 1 s
    slow_notice_s: float = 1.0  # no answer after this: the patron hears "one moment"
    give_up_s: float = 10.0  # no answer after this: gateway_unavailable and what to do


@dataclass
class LoansSection:
    period_days: int = 14
    max_items: int = 5
    max_renewals: int = 2
    renewal_days: int = 14
    block_on_overdue: bool = True
    require_reregistration: bool = True


@dataclass
class SessionSection:
    timeout_s: float = 60.0
    warning_s: float = 20.0
    max_extensions: int = 10
    double_scan_s: float = 2.0
    summary_timeout_s: float = 20.0
    receipt: str = "ask"  # ask | always | never
    returns: str = "off"  # off | own (account: "Return a book") | any (also a book drop on attract)
    # what to do with a returned book, per language (all three or none: the catalogue's words)
    return_place_kk: str = ""
    return_place_ru: str = ""
    return_place_en: str = ""
    # ... and with a returned book another reader reserved
    reserved_place_kk: str = ""
    reserved_place_ru: str = ""
    reserved_place_en: str = ""


@dataclass
class UiSection:
    """The touchscreen: its physical size (for 12 mm touch targets) and look."""

    screen_diagonal_in: float = 10.0  # the panel's diagonal in inches
    width: int = 1280  # the panel's resolution in pixels (window size off the Pi)
    height: int = 800
    orientation: str = "landscape"  # landscape | portrait
    fullscreen: str = "auto"  # auto (fullscreen on a Pi console without a desktop) | yes | no
    contrast: bool = False  # theme of the out-of-order screen (each session starts normal)
    min_target_mm: float = 12.0  # smallest touch target
    bottom_margin_mm: float = 18.0  # nothing tappable this close to the bottom edge
    maxfps: int = 30  # redraws happen only on change; this caps animations
    # GL antialiasing samples per pixel; 0 = none. Each sample is another copy of the
    # window's colour and depth buffers (Kivy's default of 2 cost 30 MB at 1280x800 on a
    # software GL) for softer edges of the drawn icons only: text is not affected.
    multisamples: int = 0


@dataclass
class StaffSection:
    """Staff call alerts (kiosk/staff): MQTT link, escalation, console sign-in."""

    broker_url: str = ""  # "mqtt://host:1883"; "" = no MQTT (desk lamp only)
    broker_username: str = ""
    broker_password_file: str = ""
    topic_prefix: str = "kiosk"
    escalate_after_s: float = 60.0  # nobody acknowledged within this -> "escalated"
    heartbeat_s: float = 30.0  # retained status with health, every N seconds
    needs_staff: list[str] = field(default_factory=list)  # refusal reasons that call staff
    users_file: str = ""  # console users: "name:pbkdf2_sha256$iterations$salt$hash" lines
    users: dict[str, str] = field(default_factory=dict)  # or inline: name = "pbkdf2_sha256$..."
    console_language: str = "kk"
    state_file: str = ""  # open alerts kept over restarts; "" = beside the journal / data_dir
    console_db: str = ""  # the console's alerts and response times; "" = <state dir>/staff-console.sqlite3
    broker_ca_file: str = ""  # mqtts:// : the CA of the broker's certificate ("" = system CAs)
    broker_cert_file: str = ""  # mqtts:// : this device's client certificate (and key below)
    broker_key_file: str = ""
    console_cert_file: str = ""  # the console over HTTPS: its certificate chain and key
    console_key_file: str = ""
    # pins (kiosk and call point alike): [hardware] call_button_pin, call_lamp_pin, desk_lamp_pin


@dataclass
class JournalSection:
    """The transaction journal and the offline policy (kiosk/journal)."""

    path: str = ""  # "" = <data_dir>/journal.sqlite3
    offline_policy: str = "refuse"  # refuse | queue
    offline_max_items: int = 3  # loans per patron while the gateway is down (queue policy)
    offline_recent_days: int = 60  # only patrons seen online within this many days
    sync_interval_s: float = 30.0  # how often queued loans are retried


@dataclass
class HardwareSection:
    """Devices around the screen (hardware/README.md has the wiring). Pins are BCM numbers,
    -1 = not fitted. `kiosk hw-check` shows what is found."""

    mode: str = "auto"  # auto (real devices on a Raspberry Pi, simulated elsewhere) | real | sim
    # scanner selectors, optional role first: "auto", "card=/dev/input/by-id/...",
    # "book=0c2e:0b61" (USB vendor:product), or part of the device name
    scanners: list[str] = field(default_factory=lambda: ["auto"])
    scanner_inter_key_timeout_s: float = 0.1  # slower key gaps are a person typing: dropped
    scanner_max_length: int = 64
    scanner_prefix: str = ""  # stripped from codes when present
    scanner_suffix: str = ""
    # tactile keys by their names in the key table (kiosk.core.keys.KEYS) -> BCM pin
    key_pins: dict[str, int] = field(default_factory=dict)  # e.g. { up = 5, down = 6 }
    call_button_pin: int = -1
    call_lamp_pin: int = -1
    headphone_pin: int = -1  # the jack's switch contact
    headphone_closed_means_inserted: bool = True
    desk_lamp_pin: int = -1  # staff desk lamp or buzzer
    debounce_s: float = 0.05  # 0 .. 0.5 s
    hold_time_s: float = 2.0
    pin_factory: str = "auto"  # auto | rpigpio | lgpio | mock (GPIOZERO_PIN_FACTORY also works)
    printer: str = ""  # USB "VVVV:PPPP" in hex, e.g. "0416:5011"; "" = no printer
    printer_in_ep: int = 0x82
    printer_out_ep: int = 0x01
    printer_timeout_s: float = 10.0
    printer_width_px: int = 576  # 576 for 80 mm paper, 384 for 58 mm
    printer_font: str = ""  # "" = DejaVu Sans (fonts-dejavu-core)


@dataclass
class SpeechSection:
    """Speech and sound cues (kiosk/speech)."""

    enabled: bool = True
    rate_wpm: int = 150  # espeak-ng speed, words per minute (80..450)
    # the default speed per language (words per minute, 80..450); 0 = rate_wpm. The patron
    # sets it slower or faster for one session (volume keys while help is open)
    rate_kk: int = 0
    rate_ru: int = 0
    rate_en: int = 0
    # gains of the volume levels 1..10 of the session's volume event (2.5 dB apart);
    # set the loudest with alsamixer, level 1 is quiet but never silent
    volume_steps: list[float] = field(default_factory=lambda: [
        0.075, 0.1, 0.13, 0.18, 0.24, 0.32, 0.42, 0.56, 0.75, 1.0])
    default_volume_step: int = 6  # 1-based index into volume_steps; restored after each session
    output: str = "auto"  # auto (aplay, silent if no sound card) | alsa (must work) | null
    device: str = "default"  # ALSA device of the loudspeaker (aplay -D)
    headphones_device: str = ""  # "" = the same output: the jack's switch cuts the loudspeaker
    headphones: str = "all"  # all: headphones in mutes the loudspeaker | private_only
    buffer_ms: int = 30  # audio queued ahead of the card: bounds cue and interrupt latency
    prompts_dir: str = ""  # <dir>/<lang>/<msg_id>.wav recorded prompts; "" = none
    voice_kk: str = "kk"
    voice_ru: str = "ru"
    voice_en: str = "en"
    # where this cabinet's scanner is and how to hold a card and a book, said in headphones
    # on the idle screen, as the first help on the account screen and after a silent
    # login; all three languages or none ("" = the catalogue's general wording)
    guidance_kk: str = ""
    guidance_ru: str = ""
    guidance_en: str = ""
    guidance_after_s: float = 20.0  # no scan this long after login: guidance again; 0 = off


@dataclass
class MaintenanceSection:
    """The staff maintenance screen (kiosk/maintenance): a staff card, then a PIN.
    staff = [{card = "...", pin = "pbkdf2_sha256$...", name = "..."}]; PINs are hashed
    with `kiosk maintenance-pin`."""

    staff: list[dict[str, str]] = field(default_factory=list)
    max_attempts: int = 5  # wrong PINs in a row before the screen locks
    lockout_s: float = 300.0  # how long it stays locked
    idle_timeout_s: float = 120.0  # back to the attract screen when nobody touches it


@dataclass
class LoggingSection:
    """Logs go to the journal (journalctl -u kiosk), redacted (kiosk/system/logs.py)."""

    level: str = "INFO"  # DEBUG | INFO | WARNING | ERROR
    card_lengths: list[int] = field(default_factory=list)  # digits of a card; [] = 6 to 16


@dataclass
class StatsSection:
    """The library's numbers (kiosk/stats): the year's plan for `kiosk stats --annual`,
    the reader age bands, and the daily figures sent to the staff console."""

    plan_readers: int = 0  # readers planned for the year (0 = no plan given)
    plan_visits: int = 0
    plan_loans: int = 0
    plan_loans_kazakh: int = 0  # of the loans, books in Kazakh
    # lower bounds of the age bands after the first (years at the visit): 0-6, 7-10, 11-14, 15+
    age_bands: list[int] = field(default_factory=lambda: [7, 11, 15])
    publish: bool = True  # send the daily figures over [staff] broker_url
    publish_days: int = 35  # days (back from today) re-sent after a reconnect


@dataclass
class Config:
    kiosk: KioskSection = field(default_factory=KioskSection)
    gateway: GatewaySection = field(default_factory=GatewaySection)
    irbis: IrbisSection = field(default_factory=IrbisSection)
    loans: LoansSection = field(default_factory=LoansSection)
    session: SessionSection = field(default_factory=SessionSection)
    journal: JournalSection = field(default_factory=JournalSection)
    ui: UiSection = field(default_factory=UiSection)
    staff: StaffSection = field(default_factory=StaffSection)
    hardware: HardwareSection = field(default_factory=HardwareSection)
    speech: SpeechSection = field(default_factory=SpeechSection)
    maintenance: MaintenanceSection = field(default_factory=MaintenanceSection)
    logging: LoggingSection = field(default_factory=LoggingSection)
    stats: StatsSection = field(default_factory=StatsSection)
    extra: dict[str, Any] = field(default_factory=dict)  # tables the schema has no section for, kept as read
    source: str = "<defaults>"
    warnings: list[str] = field(default_factory=list)  # problems the kiosk can live with (logged)
