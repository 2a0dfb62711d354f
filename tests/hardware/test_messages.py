"""The patron-facing hardware message exists in every kiosk language."""

from __future__ import annotations

import re

from kiosk.locale import LANGUAGES, tr


def test_scan_again_in_kk_ru_en() -> None:
    texts = {lang: tr("scanner.scan_again", lang) for lang in LANGUAGES}
    assert all(t != "scanner.scan_again" for t in texts.values())
    assert len(set(texts.values())) == 3
    for lang in ("kk", "ru"):
        assert not re.search(r"[A-Za-z]", texts[lang]), "no English on a kk or ru screen"
    assert re.search(r"[әғқңөұүһі]", texts["kk"].lower()), "real Kazakh"
