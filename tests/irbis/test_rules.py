"""Every reason code the rules can give, table-driven through kiosk.irbis.rules."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from kiosk.config import LoansSection
from kiosk.core.domain import REASONS
from kiosk.irbis import rules
from kiosk.irbis.plaintext import parse_plaintext
from kiosk.irbis.record import Field, Record

TODAY = date(2026, 11, 25)
GUID = "#2147483647: {00000000-0000-0000-0000-000000000001}"


def loan(code: str, due: str, ret: str = "******", ren: int = 0) -> str:
    extra = f"^4{ren}" if ren else ""
    return f"#40: ^GIBIS^A84(5Каз)/А1^B{int(code)}^H{code}^KАБ^D20261101^1100000^E{due}^F{ret}^VАБ^Ikassa^CАбай. Қара сөздер{extra}"


def reader(*lines: str, card: str = "100900", reg: str = "#52: 20260110^CАБ") -> Record:
    text = "\n".join([GUID, "#10: Сейітова", "#11: Айгерім", f"#30: {card}", reg, *lines, "*****"])
    return parse_plaintext(text + "\n")[0]


def book(*copies: str) -> Record:
    text = "\n".join(
        [GUID, "#700: ^AҚұнанбаев^BА.", "#200: ^AҚара сөздер", "#903: 84(5Каз)/Қ17", *copies, "*****"]
    )
    return parse_plaintext(text + "\n")[0]


def request(card: str, barcode: str, state: str = "") -> Record:
    lines = [GUID, f"#30: {card}", f"#910: ^B{int(barcode)}^H{barcode}"]
    if state:
        lines.append(f"#44: {state}")
    return parse_plaintext("\n".join([*lines, "*****"]) + "\n")[0]


CFG = LoansSection()
NO_REREG = LoansSection(require_reregistration=False)
NO_OVERDUE_BLOCK = LoansSection(block_on_overdue=False)

# ---------------------------------------------------------------- identify

IDENTIFY = [
    ("no record", None, CFG, "unknown_card"),
    ("registered this year", reader(), CFG, None),
    ("enrolled (51) this year, no 52", reader(reg="#51: 20260904^CАБ"), CFG, None),
    ("only last year's 52", reader(reg="#52: 20250110^CАБ"), CFG, "registration_expired"),
    ("no registration at all", reader(reg=""), CFG, "registration_expired"),
    ("expired but re-registration not required", reader(reg="#52: 20250110^CАБ"), NO_REREG, None),
    ("52 with a garbage date", reader(reg="#52: 2026^CАБ"), CFG, "registration_expired"),
    ("blocked (Kazakh)", reader("#29: бұғатталған"), CFG, "reader_blocked"),
    ("blocked (Russian)", reader("#29: Заблокирован до 20270101"), CFG, "reader_blocked"),
    ("lost card", reader("#29: билет утерян"), CFG, "reader_blocked"),
    ("blocked beats expired", reader("#29: бұғатталған", reg="#52: 20240110"), CFG, "reader_blocked"),
    ("29 with an ordinary right", reader("#29: абонемент"), CFG, None),
    ("issue forbidden at this kiosk (57)", reader("#57: КИОСК1"), CFG, "reader_blocked"),
    ("issue forbidden elsewhere only", reader("#57: ЧЗ"), CFG, None),
]


@pytest.mark.parametrize("name,rec,cfg,expected", IDENTIFY, ids=[r[0] for r in IDENTIFY])
def test_identify_refusals(name: str, rec: Record | None, cfg: LoansSection, expected: str | None) -> None:
    got = rules.identify_refusal(rec, TODAY, cfg, place="КИОСК1")
    assert got == expected


# ---------------------------------------------------------------- checkout

AVAILABLE = "#910: ^A0^B10001^DАБ^H000010001"
STATUS = {st: f"#910: ^A{st}^B10001^DАБ^H000010001" for st in "0123456789"}
GROUP_FREE = "#910: ^AU^BГ-1^DАБ^H000010001^15^24"
GROUP_FULL = "#910: ^AC^BГ-1^DАБ^H000010001^12^22"
FIVE = [loan(f"00002000{i}", "20261130") for i in range(5)]
FOUR = FIVE[:4]
OVERDUE = loan("000020009", "20261124")
DUE_TODAY = loan("000020009", "20261125")


def case(name, reader_lines=(), copy=AVAILABLE, holder=None, requests=(), cfg=CFG, expected=None, rec=True):
    return pytest.param(
        reader(*reader_lines) if rec else None,
        book(copy) if copy else None,
        holder,
        list(requests),
        cfg,
        expected,
        id=name,
    )


CHECKOUT = [
    case("available copy", expected=None),
    case("unknown card", rec=False, expected="unknown_card"),
    case("blocked reader", ["#29: бұғатталған"], expected="reader_blocked"),
    case("overdue loan", [OVERDUE], expected="overdue_block"),
    case("overdue but block off", [OVERDUE], cfg=NO_OVERDUE_BLOCK, expected=None),
    case("due today is not overdue", [DUE_TODAY], expected=None),
    case("returned overdue loan does not block", [loan("000020009", "20261101", "20261102")], expected=None),
    case("at the item limit", FIVE, expected="loan_limit"),
    case("one below the limit", FOUR, expected=None),
    case("returned loans do not count", [*FOUR, loan("000020008", "20261130", "20261120")], expected=None),
    case("visits do not count", [*FOUR, "#40: ^GIBIS^D20261120^VАБ^Cпосещение"], expected=None),
    case("overdue is said before the limit", [*FOUR, OVERDUE], expected="overdue_block"),
    case("limit is said before an unknown item", FIVE, copy=None, expected="loan_limit"),
    case("no such copy", copy=None, expected="unknown_item"),
    case("issued to another reader", copy=STATUS["1"], holder="100777", expected="on_loan_to_other"),
    case("marked issued, no holder found", copy=STATUS["1"], holder=None, expected="item_unavailable"),
    case("expected (2)", copy=STATUS["2"], expected="item_unavailable"),
    case("at the bindery (3)", copy=STATUS["3"], expected="item_unavailable"),
    case("lost (4)", copy=STATUS["4"], expected="item_unavailable"),
    case("temporarily not issued (5)", copy=STATUS["5"], expected="item_unavailable"),
    case("written off (6)", copy=STATUS["6"], expected="item_unavailable"),
    case("unknown status (7)", copy=STATUS["7"], expected="item_unavailable"),
    case("group copy with a free copy", copy=GROUP_FREE, expected=None),
    case("group copy all issued", copy=GROUP_FULL, expected="item_unavailable"),
    case("reserve shelf, held for another", copy=STATUS["9"], requests=[request("100777", "000010001")], expected="reserved"),
    case("reserve shelf, no request at all", copy=STATUS["9"], expected="reserved"),
    case("reserve shelf, held for this reader", copy=STATUS["9"], requests=[request("100900", "000010001")], expected=None),
    case("available but requested by another", requests=[request("100777", "000010001")], expected="reserved"),
    case("request by another for a different copy", requests=[request("100777", "000010002")], expected=None),
    case("fulfilled request does not reserve", requests=[request("100777", "000010001", "1^D20261001")], expected=None),
    case("own request does not reserve", requests=[request("100900", "000010001")], expected=None),
]


@pytest.mark.parametrize("rec,catalog,holder,requests,cfg,expected", CHECKOUT)
def test_checkout_refusals(rec, catalog, holder, requests, cfg, expected) -> None:
    copy = rules.find_copy([catalog], "000010001") if catalog else None
    assert rules.refuse_checkout(rec, copy, holder, requests, TODAY, cfg, "КИОСК1") == expected


# ---------------------------------------------------------------- renewal

RENEW = [
    ("renewable", [loan("000010001", "20261130")], "000010001", [], CFG, None),
    ("not on this reader's loans", [loan("000010001", "20261130")], "000010002", [], CFG, "unknown_item"),
    ("renewals used up", [loan("000010001", "20261130", ren=2)], "000010001", [], CFG, "renew_limit"),
    ("one renewal left", [loan("000010001", "20261130", ren=1)], "000010001", [], CFG, None),
    ("higher limit configured", [loan("000010001", "20261130", ren=2)], "000010001", [], LoansSection(max_renewals=3), None),
    ("requested by another reader", [loan("000010001", "20261130")], "000010001", [request("100777", "000010001")], CFG, "reserved"),
    ("renew limit said before reserved", [loan("000010001", "20261130", ren=2)], "000010001", [request("100777", "000010001")], CFG, "renew_limit"),
    ("overdue loans may be renewed", [loan("000010001", "20261101")], "000010001", [], CFG, None),
    ("returned loan is not renewable", [loan("000010001", "20261130", "20261120")], "000010001", [], CFG, "unknown_item"),
    ("blocked reader", ["#29: бұғатталған", loan("000010001", "20261130")], "000010001", [], CFG, "reader_blocked"),
]


@pytest.mark.parametrize("lines,code,requests,cfg,expected", [r[1:] for r in RENEW], ids=[r[0] for r in RENEW])
def test_renewal_refusals(lines, code, requests, cfg, expected) -> None:
    rec = reader(*lines)
    assert rules.refuse_renewal(rec, rules.find_open_loan(rec, code), requests, TODAY, cfg, "КИОСК1") == expected


def test_every_rule_reason_is_covered() -> None:
    """The tables above exercise every reason the rules can produce; the others belong to
    the session (card_first), the journal (offline_limit, out_of_service) or the gateway
    (gateway_unavailable)."""
    produced = {c.values[-1] for c in CHECKOUT} | {r[-1] for r in RENEW} | {r[-1] for r in IDENTIFY}
    assert set(REASONS) - produced == {"card_first", "offline_limit", "out_of_service", "gateway_unavailable",
                                       "not_on_loan"}  # a return: the circulation's


# ---------------------------------------------------------------- copy lookup and edits


def test_find_copy_is_exact_and_prefers_barcode() -> None:
    catalog = [
        book("#910: ^A0^B000010001^H999999999", "#910: ^A0^B10002^H000010001"),
        book("#910: ^A0^B10003^H0000100011"),
    ]
    found = rules.find_copy(catalog, "000010001")
    assert found is not None and found.field.get("B") == "10002"  # ^H wins over another copy's ^B
    assert rules.find_copy(catalog, "00001000") is None  # prefix
    assert rules.find_copy(catalog, "0000100011").field.get("B") == "10003"
    assert rules.find_copy(catalog, "10002").field.get("H") == "000010001"  # inventory number
    assert rules.find_copy(catalog, "") is None


def test_loan_field_layout_and_copy_status() -> None:
    catalog = book("#910: ^A0^B10001^C20200102^DАБ^E1350.00^H000010001^U2020/1")
    copy = rules.find_copy([catalog], "000010001")
    due = rules.checkout_due(TODAY, CFG)
    f = rules.loan_field(copy, "IBIS", "КИОСК1", "kiosk1", TODAY, datetime(2026, 11, 25, 9, 5, 7), due)
    assert f.text() == (
        "^GIBIS^A84(5Каз)/Қ17^B10001^H000010001^KАБ^D20261125^1090507^E20261209"
        "^F******^VКИОСК1^Ikiosk1^CҚұнанбаев А. Қара сөздер"
    )
    rules.issue_copy(copy.field)
    assert copy.field.text() == "^A1^B10001^C20200102^DАБ^E1350.00^H000010001^U2020/1"
    rules.release_copy(copy.field)
    assert copy.field.get("A") == "0"


def test_group_copy_counts() -> None:
    f = Field.parse(910, "^AU^BГ-1^H000010001^15^24")
    rules.issue_copy(f)
    assert (f.get("A"), f.get("2"), rules.group_free(f)) == ("U", "5", 0)
    rules.release_copy(f)
    rules.release_copy(f)
    assert f.get("2") == "3"


def test_renew_and_close_edit_only_their_subfields() -> None:
    rec = reader(loan("000010001", "20261130", ren=1))
    f = rules.find_open_loan(rec, "000010001")
    before = f.text()
    rules.renew_loan(f, rules.renewal_due(f, TODAY, CFG), TODAY)
    assert f.text() == before.replace("^E20261130", "^E20261209").replace("^41", "^42") + "^L20261125"
    rules.close_loan(f, TODAY, datetime(2026, 11, 25, 16, 0, 1))
    assert f.get("F") == "20261125" and f.get("2") == "160001"
    assert rules.find_open_loan(rec, "000010001") is None


def test_renewal_never_shortens_a_loan() -> None:
    f = Field.parse(40, "^H1^E20261231")
    assert rules.renewal_due(f, TODAY, CFG) == date(2026, 12, 31)


@pytest.mark.parametrize(
    "code,ok",
    [("000010001", True), ("100101", True), ('1"+"RI=$', False), ("12$", False), ("", False),
     ("a\tb", False), (" 100101", False), ("x" * 65, False), ("Г-0101", True)],
)
def test_valid_codes(code: str, ok: bool) -> None:
    assert rules.is_valid_code(code) is ok
