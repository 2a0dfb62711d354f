"""The checks: one function per section in one table, each problem naming the key, what
is wrong and the fix; languages and key names from their one table each."""

from __future__ import annotations

from dataclasses import fields, is_dataclass

import pytest

from kiosk.config import (
    CHECKS,
    Config,
    ConfigError,
    HardwareSection,
    Problem,
    SpeechSection,
    StaffSection,
    config_from_dict,
    section_problems,
)
from kiosk.core.keys import KEYS
from kiosk.core.languages import LANGUAGES


def test_every_section_has_its_row_in_the_table():
    sections = [type(getattr(Config(), f.name)) for f in fields(Config)
                if is_dataclass(getattr(Config(), f.name))]
    assert set(sections) == set(CHECKS)


def test_the_defaults_have_no_problems():
    cfg = Config()
    assert [p for f in fields(cfg) if is_dataclass(s := getattr(cfg, f.name))
            for p in section_problems(s)] == []


BAD = [
    ("kiosk", {"id": "a b", "place": " ", "default_language": "de", "data_dir": "rel"}),
    ("gateway", {"url": "ftp://x", "timeout_s": 0, "readers_db": ""}),
    ("loans", {"period_days": 400, "max_items": 0, "max_renewals": -1}),
    ("session", {"timeout_s": 0, "max_extensions": -1, "double_scan_s": 31, "receipt": "no"}),
    ("staff", {"broker_url": "http://x", "topic_prefix": "a/", "escalate_after_s": 0,
               "needs_staff": ["nope"], "console_language": "de"}),
    ("hardware", {"mode": "x", "key_pins": {"jump": 5, "up": 40}, "debounce_s": 1.0,
                  "hold_time_s": 0, "scanners": [""], "printer": "usb"}),
    ("speech", {"volume_steps": [0], "output": "x", "headphones": "x", "rate_wpm": 1,
                "buffer_ms": 1}),
    ("maintenance", {"staff": [{"card": "", "pin": "1234", "x": 1}, "no"], "max_attempts": 0}),
    ("logging", {"level": "LOUD", "card_lengths": [1]}),
    ("irbis", {"read_timeout_s": 0, "attempts": 0, "backoff_s": -1, "slow_notice_s": 20, "give_up_s": 5}),
]


@pytest.mark.parametrize(("section", "values"), BAD, ids=[s for s, _ in BAD])
def test_each_problem_names_its_key_what_is_wrong_and_the_fix(section: str, values: dict):
    with pytest.raises(ConfigError) as e:
        config_from_dict({section: values})
    problems = e.value.problems
    assert len(problems) >= len(values) - 1
    for p in problems:
        assert isinstance(p, Problem) and not p.warning
        assert p.key.startswith(f"[{section}]") and p.wrong and p.fix
        assert str(p) == f"{p.key}: {p.wrong}. Fix: {p.fix}" and str(p) in str(e.value)


def test_languages_come_from_the_language_table():
    problem = section_problems(StaffSection(console_language="de"))[0]
    assert all(f'"{lang}"' in problem.fix for lang in LANGUAGES)
    for lang in LANGUAGES:
        assert section_problems(StaffSection(console_language=lang)) == []
        assert config_from_dict({"kiosk": {"default_language": lang}}).kiosk.default_language == lang


def test_key_pin_names_come_from_the_key_table():
    assert section_problems(HardwareSection(key_pins={name: -1 for name in KEYS})) == []
    [problem] = section_problems(HardwareSection(key_pins={"call": 17}))  # a binding, not a key
    assert "unknown key" in problem.wrong and ", ".join(KEYS) in problem.fix


def test_warnings_do_not_stop_the_kiosk_and_are_kept_as_text():
    cfg = config_from_dict({"gateway": {"url": "tcp://10.0.0.5:6666", "password": "x",
                                        "ca_file": ""}})
    assert cfg.warnings and all(isinstance(w, str) and "Fix:" in w for w in cfg.warnings)


def test_a_section_alone_can_be_checked():
    """The speaker checks its own section and falls back to defaults (kiosk.speech)."""
    problems = section_problems(SpeechSection(rate_wpm=20))
    assert [p.key for p in problems] == ["[speech] rate_wpm = 20"]


def test_staff_broker_url_takes_mqtt_and_mqtts():
    for url in ("mqtt://192.0.2.10:1883", "mqtts://192.0.2.10:8883", "tcp://192.0.2.10:1883"):
        assert section_problems(StaffSection(broker_url=url)) == []
    assert section_problems(StaffSection(broker_url="http://x"))[0].key.startswith("[staff] broker_url")
