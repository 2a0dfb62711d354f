"""The embedded server's command handlers with a registered client and arbitrary
parameters: every answer is well-formed, and garbage is refused as a bad request, a bad
search, a missing record... never as an internal failure (SERVER_ERROR, -2), which the
engine reserves for a failing disk."""

from __future__ import annotations

import logging

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.irbis import protocol as p
from kiosk.irbis.server import start_server
from kiosk.irbis.server.engine import SERVER_ERROR
from tests.fuzz.settings import FUZZ

CLIENT = 424242
# Exception types the engine may log as an internal failure (-2) without failing the
# properties: none any more (huge MFNs and deeply nested searches were fixed).
KNOWN_INSIDE_FAILURES: set[str] = set()


class Failures(logging.Handler):
    """The exception type of the engine's last "command X failed: Type" line."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.last = ""

    def emit(self, record: logging.LogRecord) -> None:
        self.last = str(record.args[-1]) if record.args else record.getMessage()


FAILURES = Failures()


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    engine_log = logging.getLogger("kiosk.irbis.server.engine")
    engine_log.addHandler(FAILURES)
    try:
        with start_server(tmp_path_factory.mktemp("irbis"), demo=True) as handle:
            reg = p.Request("A", "C", CLIENT, 1, "kiosk1", "kiosk1", [b"kiosk1", b"kiosk1"])
            assert p.parse_answer(handle.engine.handle(reg)).return_code == 0
            yield handle.engine
    finally:
        engine_log.removeHandler(FAILURES)


numbers = st.one_of(
    st.sampled_from([b"0", b"1", b"2", b"-1", b"", b" 7 ", b"1e3", b"9" * 19, str(2**63).encode(),
                     str(-2**63 - 1).encode(), str(2**70).encode()]),
    st.integers(-3, 300).map(lambda n: str(n).encode()),
    st.integers(-2**70, 2**70).map(lambda n: str(n).encode()),
)
expressions = st.one_of(
    st.text(max_size=30),
    st.lists(st.sampled_from(['"RI=100101"', '"IN=$"', '"H=0000100$"', "+", "*", "^", "(", ")", '"',
                              "$", "RI=", " ", '"A=Сейітова$"', '"KAT=оқушы"']),
             max_size=10).map("".join),
    st.sampled_from([10, 500, 1000, 3000]).map(lambda n: "(" * n + '"RI=1"' + ")" * n),
    st.sampled_from([500, 3000]).map(lambda n: "^" * n + '"RI=1"'),
).map(lambda s: s.encode("utf-8", "surrogatepass"))
databases = st.one_of(st.sampled_from([b"RDR", b"IBIS", b"RQST", b"rdr", b"", b"NOPE", b"../x", b"RDR "]),
                      st.binary(max_size=8))
wire_records = st.one_of(
    st.lists(st.text(max_size=20), max_size=6).map(lambda xs: p.DELIMITER.join(xs).encode("utf-8", "replace")),
    st.builds(lambda mfn, ver, body: f"{mfn}#0{p.DELIMITER}0#{ver}{p.DELIMITER}{body}".encode("utf-8", "replace"),
              st.integers(-2, 60), st.integers(-1, 5), st.text(max_size=30)),
)
param = st.one_of(numbers, databases, expressions, wire_records, st.binary(max_size=20))


good_db = st.sampled_from([b"RDR", b"IBIS", b"RQST"])


def at(good):
    """A parameter of the right kind for its place (anything at all: `param`)."""
    return good


# each command's parameters in their places (protocol.md / kiosk.irbis.client)
shapes = {
    "C": st.tuples(at(good_db), at(numbers), at(st.sampled_from([b"0", b"1"]))),
    "K": st.tuples(at(good_db), at(expressions), at(numbers), at(numbers),
                   at(st.sampled_from([b"", p.ansi("&uf('+0')"), b"@brief"])), at(numbers), at(numbers)),
    "O": st.tuples(at(good_db)),
    "Q": st.tuples(at(good_db), at(numbers), at(numbers)),
    "N": st.tuples(),
}
read_requests = st.one_of(*(st.tuples(st.just(c), shape, st.lists(param, max_size=2)) for c, shape in shapes.items()))


def ask(engine, command: str, params: list[bytes], tolerate_known: bool = True) -> int:
    FAILURES.last = ""
    answer = p.parse_answer(engine.handle(p.Request(command, "C", CLIENT, 2, "kiosk1", "kiosk1", params)))
    if tolerate_known and answer.return_code == SERVER_ERROR and FAILURES.last in KNOWN_INSIDE_FAILURES:
        return 0
    return answer.return_code


@FUZZ
@given(read_requests)
def test_read_commands_never_fail_inside(engine, request) -> None:
    command, shape, extra = request
    params = [*shape, *extra]
    assert ask(engine, command, params) != SERVER_ERROR, (command, params)


@FUZZ
@given(st.sampled_from(list("CKONQ")), st.lists(param, max_size=8))
def test_read_commands_with_any_parameters_never_fail_inside(engine, command, params) -> None:
    assert ask(engine, command, params) != SERVER_ERROR, (command, params)


@FUZZ
@given(st.sampled_from(["D", "6"]), st.tuples(at(good_db), at(st.sampled_from([b"0", b"1"])), at(numbers)),
       st.lists(st.tuples(at(good_db), wire_records), max_size=3))
def test_write_commands_never_fail_inside(engine, command, head, group) -> None:
    db, lock, actualize = head
    if command == "D":  # db, lock, actualize, record
        params = [db, lock, actualize, group[0][1] if group else b""]
    else:  # lock, actualize, then "DB<0x1F 0x1E>record" lines
        params = [lock, actualize, *(d + p.DELIMITER.encode() + rec for d, rec in group)]
    assert ask(engine, command, params) != SERVER_ERROR, (command, params)


def test_a_huge_mfn_is_out_of_range(engine) -> None:
    assert ask(engine, "C", [b"RDR", b"9" * 19, b"0"], tolerate_known=False) == -140


def test_a_deeply_nested_search_is_a_syntax_error(engine) -> None:
    code = ask(engine, "K", [b"RDR", b"(" * 1000 + b'"RI=1"' + b")" * 1000, b"0", b"1"], tolerate_known=False)
    assert code != SERVER_ERROR
