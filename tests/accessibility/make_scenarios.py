"""Writes keys_kk.scn, keys_ru.scn and keys_en.scn from keys.scn.in (one flow, three
languages; only the key presses that reach each language differ).

Run after editing the template: python -m tests.accessibility.make_scenarios
"""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).parent
# language -> (presses of the language key from kk, downs from attract to its button,
# downs from its button to "contrast"). Attract focus: help, language_kk, language_ru,
# language_en, language, contrast, call_staff.
LANGS = {"kk": (3, 2, 4), "ru": (1, 3, 3), "en": (2, 4, 2)}


def render(template: str, lang: str) -> str:
    presses, to_button, to_contrast = LANGS[lang]
    return (template.replace("@LANG@", lang)
            .replace("@LANGKEYS@", "\n".join(["key language"] * presses))
            .replace("@LANGDOWNS@", "\n".join(["key down"] * to_button))
            .replace("@TOCONTRAST@", "\n".join(["key down"] * to_contrast)))


def main() -> None:
    template = (HERE / "keys.scn.in").read_text(encoding="utf-8")
    for lang in LANGS:
        (HERE / f"keys_{lang}.scn").write_text(render(template, lang), encoding="utf-8")


if __name__ == "__main__":
    main()
