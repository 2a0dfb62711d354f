import pytest

from kiosk.config import ConfigError, config_from_dict, load_config


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
