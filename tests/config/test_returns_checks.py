"""[session] returns and the words for where a returned book goes: checked with a clear
message, and passed to the session as plain values."""

from __future__ import annotations

from pathlib import Path

from kiosk.config import Config, load_config, session_settings
from kiosk.config.checks import check_session
from kiosk.config.schema import SessionSection


def _problems(**values) -> list[str]:
    return [str(p) for p in check_session(SessionSection(**values))]


def test_returns_is_off_own_or_any_and_off_by_default():
    assert SessionSection().returns == "off"
    assert _problems(returns="own") == [] and _problems(returns="any") == []
    bad = _problems(returns="yes")
    assert len(bad) == 1 and "returns" in bad[0] and '"off", "own" or "any"' in bad[0]


def test_place_words_in_all_three_languages_or_none():
    assert _problems(return_place_kk="а", return_place_ru="б", return_place_en="c") == []
    bad = _problems(reserved_place_en="Reserved box.")
    assert len(bad) == 1 and "reserved_place_kk, reserved_place_ru" in bad[0]


def test_the_session_gets_the_mode_and_the_words(tmp_path: Path):
    path = tmp_path / "kiosk.toml"
    path.write_text('[session]\nreturns = "any"\nreturn_place_kk = "Сөреге"\n'
                    'return_place_ru = "На полку"\nreturn_place_en = "Shelf"\n', encoding="utf-8")
    settings = session_settings(load_config(path))
    assert settings.returns == "any"
    assert dict(settings.return_place) == {"kk": "Сөреге", "ru": "На полку", "en": "Shelf"}
    assert session_settings(Config()).reserved_place == ()
