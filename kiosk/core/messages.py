"""How the core gets words: it never holds text, it hands a message id and its params to a
renderer it was given (kiosk.locale.display_text for the screen and the receipt,
kiosk.speech.wording for speech).

Params cross layers as values, not words: dates are `datetime.date`, counts are `int`,
titles are `str`, and a key ending in "_msg" holds a nested message id that the renderer
turns into text in the same language.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

Render = Callable[[str, Mapping[str, Any], str], str]  # (msg_id, params, lang) -> text
RenderText = Render
RenderSpeech = Render
