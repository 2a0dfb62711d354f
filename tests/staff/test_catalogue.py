"""Every console string in Kazakh, Russian and English, with the same placeholders."""

from __future__ import annotations

import re
import string

from kiosk.core.domain import REASONS
from kiosk.locale import LANGUAGES, LOCALE_DIR, parse_po

# ids the console page and server use (a missing one would show the raw id to staff)
PAGE_IDS = set(re.findall(r'"(staff\.[a-z_.]+)"', (LOCALE_DIR.parent / "staff" / "console.html").read_text()))


def staff_catalogue(lang: str) -> dict[str, str]:
    return parse_po((LOCALE_DIR / lang / "LC_MESSAGES" / "staff.po").read_text(encoding="utf-8"))


def fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


def test_same_ids_and_placeholders_in_every_language():
    kk = staff_catalogue("kk")
    assert len(kk) > 60
    for lang in LANGUAGES:
        cat = staff_catalogue(lang)
        assert set(cat) == set(kk), lang
        for msg_id, text in cat.items():
            assert fields(text) == fields(kk[msg_id]), (lang, msg_id)


def test_every_reason_and_page_string_has_words():
    for lang in LANGUAGES:
        cat = staff_catalogue(lang)
        for reason in ("call_button", *REASONS):
            assert f"staff.reason.{reason}" in cat, (lang, reason)
        for state in ("raised", "escalated", "acknowledged", "resolved"):
            assert f"staff.console.state.{state}" in cat
        missing = {i for i in PAGE_IDS if not i.endswith(".") and i not in cat}
        assert not missing, (lang, missing)


def test_kazakh_and_russian_are_not_english():
    kk, ru, en = (staff_catalogue(x) for x in ("kk", "ru", "en"))
    same = [k for k in kk if kk[k] == en[k] and not k.startswith("staff.console.lang.")]
    assert not same, same
    assert [k for k in ru if ru[k] == en[k] and not k.startswith("staff.console.lang.")] == []
    assert all(re.search("[А-Яа-яӘәҒғҚқҢңӨөҰұҮүҺһІі]", v) for k, v in kk.items()
               if not k.startswith("staff.console.lang."))
