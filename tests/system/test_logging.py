"""Log lines never carry card numbers in clear, reader names or passwords."""

from __future__ import annotations

import io
import logging

import pytest

from kiosk.system.logs import (
    JournalFormatter,
    Private,
    RedactingFilter,
    Redactor,
    redactor,
    setup_logging,
)


@pytest.fixture
def captured():
    stream = io.StringIO()
    handler = setup_logging("DEBUG", stream=stream, journal=False, secrets_to_hide=["s3cr3t-Pw"])
    yield stream
    logging.getLogger().removeHandler(handler)
    redactor().forget_private()


def test_card_number_is_replaced_by_a_stable_token(captured):
    log = logging.getLogger("kiosk.session")
    log.info("login card=%s", "0012345678")
    log.info("logout card=%s", "0012345678")
    out = captured.getvalue()
    assert "0012345678" not in out
    tokens = [line.split("card=")[1] for line in out.splitlines()]
    assert tokens[0] == tokens[1] and tokens[0].startswith("card#")  # same session, same token


def test_due_dates_stay_readable(captured):
    logging.getLogger("kiosk").info("checkout ok due %s", "20261209")
    assert "20261209" in captured.getvalue()


def test_reader_name_registered_for_the_session_is_hidden(captured):
    log = logging.getLogger("kiosk.session")
    redactor().add_private("Айгерим Бекова")
    log.info("welcome %s", "Айгерим Бекова")
    log.info("greeting spoken for %s", "айгерим")  # a word of it, other case
    redactor().forget_private()
    log.info("after logout: %s", "Айгерим")  # forgotten: nothing left to hide
    lines = captured.getvalue().splitlines()
    assert "Бекова" not in lines[0] and "<private>" in lines[0]
    assert "айгерим" not in lines[1].lower()
    assert "Айгерим" in lines[2]


def test_private_wrapper_never_formats_its_value(captured):
    logging.getLogger("kiosk").warning("reader %s blocked", Private("Ерлан Сапаров"))
    out = captured.getvalue()
    assert "Ерлан" not in out and "reader <private> blocked" in out


def test_passwords_never_logged(captured):
    log = logging.getLogger("kiosk.irbis")
    log.info("connect user=kiosk1 password=%s", "hunter22")
    log.info('payload {"password": "abc123", "db": "RDR"}')
    log.info("login packet A\nkiosk1\ns3cr3t-Pw")  # the configured secret, anywhere
    out = captured.getvalue()
    for secret in ("hunter22", "abc123", "s3cr3t-Pw"):
        assert secret not in out
    assert '"db": "RDR"' in out  # the rest of the line survives


def test_traceback_is_redacted_too(captured):
    log = logging.getLogger("kiosk")
    try:
        raise ValueError("bad card 123456789 for password=topsecret")
    except ValueError:
        log.exception("scan failed")
    out = captured.getvalue()
    assert "Traceback" in out and "ValueError" in out
    assert "123456789" not in out and "topsecret" not in out


def test_other_handlers_get_the_filter():
    other_stream = io.StringIO()
    other = logging.StreamHandler(other_stream)
    root = logging.getLogger()
    root.addHandler(other)
    handler = setup_logging("INFO", stream=io.StringIO(), journal=False)
    try:
        logging.getLogger("kivy").info("scanned 9876543210")
        assert "9876543210" not in other_stream.getvalue()
        assert "card#" in other_stream.getvalue()
    finally:
        root.removeHandler(other)
        root.removeHandler(handler)


def test_journal_format_has_priority_prefix_on_every_line():
    r = Redactor()
    record = logging.LogRecord("kiosk.app", logging.ERROR, __file__, 1, "boom\nsecond", None, None)
    RedactingFilter(r).filter(record)
    text = JournalFormatter("%(name)s: %(message)s").format(record)
    assert text.splitlines() == ["<3>kiosk.app: boom", "<3>second"]
    record = logging.LogRecord("kiosk", logging.WARNING, __file__, 1, "w", None, None)
    assert JournalFormatter("%(message)s").format(record) == "<4>w"


def test_card_lengths_from_config():
    r = Redactor(card_lengths=[10])
    assert r.redact("book 123456 card 1234567890 long 12345678901").count("card#") == 1
    assert "123456" in r.redact("book 123456")


def test_bad_format_arguments_do_not_lose_the_line(captured):
    logging.getLogger("kiosk").info("needs two %s %s", "one")
    assert "needs two" in captured.getvalue()


def test_secret_keys_are_hidden_but_paths_and_pins_of_gpio_stay(captured):
    log = logging.getLogger("kiosk.staff")
    log.info("mqtt broker_password=brokerpw1 user=desk")
    log.info("password_file=/etc/kiosk/irbis.password mode 0644")
    log.info("call button on pin=17")
    out = captured.getvalue()
    assert "brokerpw1" not in out and "user=desk" in out
    assert "/etc/kiosk/irbis.password" in out and "pin=17" in out


def test_private_words_are_matched_as_whole_words(captured):
    redactor().add_private("Ali Nurlan")
    logging.getLogger("kiosk").info("validation ok for Ali")
    out = captured.getvalue()
    assert "validation ok for <private>" in out
