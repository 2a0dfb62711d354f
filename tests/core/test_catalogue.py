"""Every message id the session can say or show exists in kk, ru and en, with the same
placeholders; Kazakh and Russian texts contain no English."""

from __future__ import annotations

import re
from pathlib import Path
from string import Formatter

import pytest

import kiosk.core
from kiosk.core.domain import REASONS
from kiosk.core.focus import WIDGET_IDS
from kiosk.core.session import ALERT_STATES, EDGE_LAYERS, HELP_LAYERS
from kiosk.locale import LANGUAGES, LOCALE_DIR, catalogue, parse_po

AREAS = ("attract", "account", "checkout", "renew", "renew_all", "summary", "receipt", "session",
         "timeout", "staff", "headphones", "language", "contrast", "nav", "notice", "screen",
         "edge", "help", "volume", "focus", "label", "reason", "loan", "busy")
LITERAL = re.compile(r'"((?:' + "|".join(AREAS) + r')\.[a-z_][a-z0-9_.]*[a-z0-9_])"')


def literal_ids() -> set[str]:
    ids = set()
    for path in Path(kiosk.core.__file__).parent.glob("*.py"):
        ids |= set(LITERAL.findall(path.read_text(encoding="utf-8")))
    return ids


def dynamic_ids() -> set[str]:
    ids = {f"focus.{w}" for w in WIDGET_IDS} | {f"label.{w}" for w in WIDGET_IDS}
    ids |= {f"reason.{r}" for r in REASONS} | {f"reason.{r}.short" for r in REASONS}
    ids |= {f"help.{s}.{n}" for s in ("attract", "account", "summary")
            for n in range(1, HELP_LAYERS + 1)}
    ids |= {f"edge.{side}.{n}" for side in ("top", "bottom") for n in range(1, EDGE_LAYERS + 1)}
    ids |= {f"staff.{s}" for s in ALERT_STATES}
    ids |= {f"screen.{s}" for s in ("attract", "account", "summary", "help", "language")}
    ids |= {f"summary.{k}{p}" for k in ("checkout", "renew", "refused") for p in ("", ".public")}
    ids |= {"focus.loan", "focus.loan.overdue", "focus.loan.public",
            "focus.loan.overdue.public"}
    return ids


def walkthrough_ids(make) -> set[str]:
    """Ids actually said or shown by a long session touching every feature."""
    used: set[str] = set()
    for headphones in ("in", "out"):
        h = make(language_screen=True)
        h.session.on_view(lambda v, used=used: used.add(v.notice.msg) if v.notice else None)
        h.run(f"""headphones {headphones}
            key up\nkey up\nkey up\nkey select\nkey help\nkey help\nkey back\nscan B001
            scan R005\nscan B001\nkey repeat\ntap renew_all\ntap finish\ntap done
            scan R001\nscan B001\nscan B002\nscan B200\ntap renew_all\nkey down\nkey down
            key down\nkey down\nkey select\ncall\nstaff ack\nkey volume_up\nkey volume_down
            key language\ntap contrast\ntap language\nkey back\nwait 45\nkey down
            wait 3\nscan R001\nwait 10\ntap finish\ntap receipt_yes\ntap done
            scan R002\ntap finish\ntap receipt_no\nkey back\nscan R001\nwait 60""")
        used |= h.session.speaker.used
    return used


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_id_exists(make, lang):
    ids = literal_ids() | dynamic_ids() | walkthrough_ids(make)
    assert len(ids) > 100
    missing = sorted(i for i in ids if i not in catalogue(lang))
    assert missing == []


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(text) if name}


def _own(lang: str) -> dict[str, str]:
    folder = LOCALE_DIR / lang / "LC_MESSAGES"
    merged = {}
    for area in ("session", "reasons"):
        merged.update(parse_po((folder / f"{area}.po").read_text(encoding="utf-8")))
    return merged


def test_same_ids_and_placeholders_in_every_language():
    kk, ru, en = (_own(lang) for lang in LANGUAGES)
    assert set(kk) == set(ru) == set(en)
    for msg_id in kk:
        assert _placeholders(kk[msg_id]) == _placeholders(ru[msg_id]) == \
            _placeholders(en[msg_id]), msg_id


NATIVE_NAMES = {"label.language_en", "label.language_kk", "label.language_ru"}


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_no_english_on_kazakh_or_russian_screens(lang):
    for msg_id, text in _own(lang).items():
        if msg_id in NATIVE_NAMES:
            continue
        words = re.sub(r"\{[a-z_]+\}", "", text)
        assert not re.search(r"[A-Za-z]", words), (msg_id, text)


def test_kazakh_texts_use_kazakh_letters():
    kk = _own("kk")
    assert sum(1 for t in kk.values() if re.search("[әғқңөұүһі]", t)) > len(kk) // 2
