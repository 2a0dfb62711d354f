"""The UI's fixed parts: colours, sizes, fonts and words (no window needed)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kiosk.config import Config, config_from_dict
from kiosk.core.domain import REASONS
from kiosk.locale import LANGUAGES, LOCALE_DIR, parse_po
from kiosk.ui.fonts import KAZAKH_LETTERS, font_paths, missing_glyphs
from kiosk.ui.theme import CONTRAST, NORMAL, Metrics, contrast_ratio

UI_DIR = Path(__file__).resolve().parents[2] / "kiosk" / "ui"


def ui_catalogue(lang: str) -> dict[str, str]:
    return parse_po((LOCALE_DIR / lang / "LC_MESSAGES" / "ui.po").read_text(encoding="utf-8"))


@pytest.mark.parametrize("theme", [NORMAL, CONTRAST], ids=lambda t: t.name)
def test_text_contrast_at_least_4_5(theme) -> None:
    for name, (fg, bg) in theme.text_pairs().items():
        assert contrast_ratio(fg, bg) >= 4.5, f"{theme.name} {name}: {contrast_ratio(fg, bg):.2f}"


@pytest.mark.parametrize("theme", [NORMAL, CONTRAST], ids=lambda t: t.name)
def test_focus_ring_and_edges_at_least_3(theme) -> None:
    for name, (fg, bg) in theme.focus_pairs().items():
        assert contrast_ratio(fg, bg) >= 3.0, f"{theme.name} {name}: {contrast_ratio(fg, bg):.2f}"


def test_contrast_ratio_known_values() -> None:
    assert contrast_ratio((0, 0, 0), (1, 1, 1)) == pytest.approx(21.0)
    assert contrast_ratio((0.5, 0.5, 0.5), (0.5, 0.5, 0.5)) == pytest.approx(1.0)


def test_twelve_millimetres_on_the_default_panel() -> None:
    ui = Config().ui
    m = Metrics.for_panel(ui.width, ui.height, ui.screen_diagonal_in)
    # a 10-inch 1280x800 panel has about 151 px per inch = 5.94 px per mm
    assert m.px_per_mm == pytest.approx(5.94, abs=0.01)
    assert m.min_target_px == pytest.approx(71.3, abs=0.2)
    small = Metrics.for_panel(800, 480, 7.0)
    assert small.mm(12) < m.mm(12)


def test_ui_config_section_is_validated() -> None:
    cfg = config_from_dict({"ui": {"orientation": "portrait", "screen_diagonal_in": 15.6}})
    assert cfg.ui.orientation == "portrait" and cfg.ui.screen_diagonal_in == 15.6
    with pytest.raises(ValueError, match="ui"):
        config_from_dict({"ui": {"width": "wide"}})


def test_font_has_every_kazakh_russian_english_letter() -> None:
    alphabet = KAZAKH_LETTERS + "абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ"
    alphabet += "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789«»“”…·—–!?.,:;()"
    for path in font_paths():
        assert missing_glyphs(alphabet, path) == [], path


def test_missing_glyphs_detects_tofu() -> None:
    regular, _ = font_paths()
    assert missing_glyphs("漢字", regular) == ["字", "漢"]


def test_every_ui_message_in_every_language_with_the_same_placeholders() -> None:
    cats = {lang: ui_catalogue(lang) for lang in LANGUAGES}
    ids = set(cats["kk"])
    for lang in LANGUAGES:
        assert set(cats[lang]) == ids, f"{lang}: {sorted(set(cats[lang]) ^ ids)}"
    for msg in ids:
        fields = {lang: set(re.findall(r"{(\w+)}", cats[lang][msg])) for lang in LANGUAGES}
        assert fields["kk"] == fields["ru"] == fields["en"], f"{msg}: {fields}"


def test_every_reason_has_a_short_label() -> None:
    for lang in LANGUAGES:
        cat = ui_catalogue(lang)
        for reason in REASONS:
            assert f"ui.reason_short.{reason}" in cat, (lang, reason)


def test_message_ids_used_by_the_ui_code_exist() -> None:
    source = "\n".join(p.read_text(encoding="utf-8") for p in UI_DIR.glob("*.py"))
    used = set(re.findall(r'"(ui\.[a-z_]+(?:\.[a-z_0-9]+)*)"', source))
    used = {u for u in used if not u.endswith(".")}
    assert used, "no ids found: the pattern is wrong"
    cat = ui_catalogue("kk")
    assert sorted(u for u in used if u not in cat) == []


def test_no_english_words_on_kazakh_or_russian_screens() -> None:
    # language names are each in their own language on purpose (a patron finds their own)
    allowed = {"English"}
    for lang in ("kk", "ru"):
        for msg, text in ui_catalogue(lang).items():
            words = set(re.findall(r"[A-Za-z]{2,}", re.sub(r"{\w+}", "", text))) - allowed
            assert not words, f"{lang} {msg}: {words}"


def test_kazakh_texts_use_kazakh_letters() -> None:
    kk, ru = ui_catalogue("kk"), ui_catalogue("ru")
    kazakh = set(KAZAKH_LETTERS)
    with_letters = [m for m, t in kk.items() if kazakh & set(t)]
    assert len(with_letters) > len(kk) // 3  # real Kazakh, not Russian copied over
    same = [m for m in kk if kk[m] == ru[m] and not m.startswith(("ui.lang.", "ui.date"))]
    assert len(same) <= 2, same
