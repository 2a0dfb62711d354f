"""Reading a configuration: TOML and dicts into typed sections, every key's type checked."""

import pytest

from kiosk.config import ConfigError, LoansSection, config_from_dict, fill_section, load_config


def test_defaults_match_contract():
    cfg = load_config(None)
    assert cfg.loans.period_days == 14
    assert cfg.loans.max_items == 5
    assert cfg.gateway.readers_db == "RDR"
    assert cfg.kiosk.place == "КИОСК1"


def test_wrong_type_names_key_and_fix():
    with pytest.raises(ConfigError) as e:
        config_from_dict({"loans": {"max_items": "five"}})
    assert "max_items" in str(e.value) and "int" in str(e.value)


def test_unknown_key_is_named():
    with pytest.raises(ConfigError) as e:
        config_from_dict({"loans": {"max_itmes": 3}})
    assert "max_itmes" in str(e.value)


def test_toml_file(tmp_path):
    p = tmp_path / "k.toml"
    p.write_text('[kiosk]\nid = "k2"\n[loans]\nperiod_days = 21\n', encoding="utf-8")
    cfg = load_config(p)
    assert cfg.kiosk.id == "k2" and cfg.loans.period_days == 21


def test_every_key_error_says_the_fix():
    for data in ({"loans": {"max_items": "five"}}, {"loans": {"max_itmes": 3}}, {"loans": 3}):
        with pytest.raises(ConfigError) as e:
            config_from_dict(data)
        assert "Fix:" in str(e.value)


def test_fill_section_is_public_and_checks_each_key():
    """kiosk hw-check reads a config leniently, key by key, with this."""
    section = LoansSection()
    fill_section(section, {"max_items": 7, "period_days": 21}, "loans")
    assert section.max_items == 7 and section.period_days == 21
    with pytest.raises(ConfigError, match=r"\[loans\] max_items = 'x'"):
        fill_section(section, {"max_items": "x"}, "loans")


def test_an_int_is_taken_for_a_float_and_unknown_tables_are_kept():
    cfg = config_from_dict({"session": {"timeout_s": 90}, "later": {"x": 1}})
    assert cfg.session.timeout_s == 90.0 and isinstance(cfg.session.timeout_s, float)
    assert cfg.extra == {"later": {"x": 1}}


def test_missing_and_broken_files_name_the_file(tmp_path):
    with pytest.raises(ConfigError, match="no such file"):
        load_config(tmp_path / "none.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("[loans\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(bad)
