"""The configuration as each layer needs it: plain values, so the core never reads a Config."""

from __future__ import annotations

from kiosk.config.schema import Config
from kiosk.core.settings import SessionSettings


def session_settings(cfg: Config) -> SessionSettings:
    """What the session needs of the configuration: [session] and the kiosk's language and name."""
    s = cfg.session
    return SessionSettings(timeout_s=s.timeout_s, warning_s=s.warning_s,
                           double_scan_s=s.double_scan_s,
                           summary_timeout_s=s.summary_timeout_s, receipt=s.receipt,
                           default_language=cfg.kiosk.default_language,
                           library_name=cfg.kiosk.library_name,
                           guidance=_guidance(cfg), guidance_after_s=cfg.speech.guidance_after_s,
                           returns=s.returns, return_place=_per_language(s, "return_place"),
                           reserved_place=_per_language(s, "reserved_place"))


def _guidance(cfg: Config) -> tuple[tuple[str, str], ...]:
    """This cabinet's scanner guidance per language, or () for the catalogue's wording."""
    return _per_language(cfg.speech, "guidance")


def _per_language(section: object, prefix: str) -> tuple[tuple[str, str], ...]:
    """`<prefix>_kk/_ru/_en` as (lang, text), or () unless all three are written."""
    texts = tuple((lang, str(getattr(section, f"{prefix}_{lang}", "")).strip())
                  for lang in ("kk", "ru", "en"))
    return texts if all(text for _, text in texts) else ()
