"""[speech] rates per language and the scanner guidance: checked with a clear message."""

from __future__ import annotations

from kiosk.config import Config, session_settings
from kiosk.config.checks import check_speech
from kiosk.config.schema import SpeechSection


def _problems(**values) -> list[str]:
    section = SpeechSection(**values)
    return [str(p) for p in check_speech(section)]


def test_rates_per_language_zero_or_80_to_450():
    assert _problems(rate_kk=0, rate_ru=120, rate_en=450) == []
    bad = _problems(rate_ru=50)
    assert len(bad) == 1 and "rate_ru" in bad[0] and "80..450" in bad[0]
    assert _problems(rate_kk="fast")


def test_guidance_in_all_three_languages_or_none():
    assert _problems() == []
    assert _problems(guidance_kk="а", guidance_ru="б", guidance_en="c") == []
    bad = _problems(guidance_kk="Сканер оң жақта.")
    assert len(bad) == 1 and "guidance_ru, guidance_en" in bad[0]
    assert _problems(guidance_after_s=2)  # too short to be a pause
    assert _problems(guidance_after_s=0) == []


def test_the_session_gets_the_guidance_only_when_complete():
    cfg = Config()
    assert session_settings(cfg).guidance == ()
    cfg.speech.guidance_kk, cfg.speech.guidance_ru, cfg.speech.guidance_en = "а", "б", "c"
    cfg.speech.guidance_after_s = 30.0
    s = session_settings(cfg)
    assert s.guidance == (("kk", "а"), ("ru", "б"), ("en", "c")) and s.guidance_after_s == 30.0
