"""The [speech] configuration section: defaults, validation, what the Speaker does with it."""

import pytest

from kiosk.config import ConfigError, SpeechSection, config_from_dict, section_problems
from kiosk.speech.output import RecordingSink
from kiosk.speech.speaker import Speaker


def test_defaults_match_the_sessions_volume_levels():
    c = config_from_dict({}).speech
    assert len(c.volume_steps) == 10 and c.default_volume_step == 6
    assert all(v > 0 for v in c.volume_steps)
    assert c.volume_steps == sorted(c.volume_steps)
    assert section_problems(c) == []


def test_speech_section_from_toml_values():
    cfg = config_from_dict({"speech": {"rate_wpm": 130, "volume_steps": [0.3, 0.6, 1],
                                       "default_volume_step": 2, "output": "null",
                                       "prompts_dir": "/var/lib/kiosk/prompts"}})
    assert cfg.speech.rate_wpm == 130 and cfg.speech.output == "null"
    assert section_problems(cfg.speech) == []


def test_silent_volume_step_and_bad_choices_are_named_with_the_fix():
    with pytest.raises(ConfigError) as e:
        config_from_dict({"speech": {"volume_steps": [0, 0.5], "output": "pulse",
                                     "headphones": "both", "rate_wpm": 20}})
    problems = str(e.value)
    assert "volume_steps" in problems and "never silent" in problems
    assert "output = 'pulse'" in problems and "headphones = 'both'" in problems
    assert "rate_wpm = 20" in problems


def test_speaker_uses_defaults_for_bad_values_and_keeps_working(caplog):
    cfg = SpeechSection(volume_steps=[0, 0.5], default_volume_step=1)
    sp = Speaker(cfg, sink=RecordingSink(realtime=False))
    try:
        assert all(v > 0 for v in sp.volume_steps)
        sp.set_volume(1)
        assert sp._gain() > 0
        assert any("volume_steps" in r.getMessage() for r in caplog.records)
    finally:
        sp.close()
