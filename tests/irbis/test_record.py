"""Records: fields kept in order and byte-exact until changed."""

from __future__ import annotations

from kiosk.irbis.record import GUID_TAG, Field, Record


def test_field_parse_and_subfields():
    f = Field.parse(910, "^A0^B1539325^C20121107^DФКХ^E3.00^HE00401004C75DB57")
    assert f.get("h") == "E00401004C75DB57"
    assert f.get("X", "none") == "none"
    assert f.text() == "^A0^B1539325^C20121107^DФКХ^E3.00^HE00401004C75DB57"
    assert str(f) == "910#^A0^B1539325^C20121107^DФКХ^E3.00^HE00401004C75DB57"


def test_unusual_text_survives_until_the_field_changes():
    f = Field.parse(910, "^a0^^b1^")
    assert f.text() == "^a0^^b1^"
    assert f.copy().text() == "^a0^^b1^"
    f.set("A", "1")
    assert f.text() == "^A1^B1"  # rewritten with upper-case codes


def test_set_appends_replaces_and_removes():
    f = Field.of(40, G="IBIS", H="123", F="******")
    f.set("F", "20261124")
    f.set("2", "101010")
    f.set("H", None)
    assert f.text() == "^GIBIS^F20261124^2101010"


def test_record_keeps_field_order_and_guid_first():
    rec = Record.from_fields([(GUID_TAG, "{G}"), (10, "Сейітова"), (40, "^HA"), (40, "^HB")], mfn=3)
    copy = rec.copy()
    copy.all(40)[0].set("F", "x")
    assert [f.tag for f in copy.fields] == [GUID_TAG, 10, 40, 40]
    assert rec.all(40)[0].get("F") == ""  # the copy is deep
    assert rec.fm(10) == "Сейітова" and rec.fm(40, "H") == "A" and rec.fm(99) == ""
    assert rec.content() != copy.content()


def test_a_subfield_read_then_changed_reads_back_changed_in_the_field_and_not_in_its_copy():
    f = Field.parse(40, "^HA1^E20261201^F******")
    assert f.get("E") == "20261201"
    twin = f.copy()
    f.set("E", "20261215")
    twin.set("F", "20261130")
    assert f.get("E") == "20261215" and f.get("F") == "******"
    assert twin.get("E") == "20261201" and twin.get("F") == "20261130"
    assert f.text() == "^HA1^E20261215^F******"


def test_subfields_edited_in_place_are_what_the_field_then_holds():
    f = Field.parse(40, "^HA1^D20261101^E20261201")
    assert f.get("D") == "20261101"
    for sub in f.subfields:
        if sub.code in "DE":
            sub.value = sub.value[:6] + "15"
    assert f.get("D") == "20261115" and f.text() == "^HA1^D20261115^E20261215"
    assert f == Field.of(40, H="A1", D="20261115", E="20261215")


def test_a_repeated_code_answers_its_first_value_and_set_changes_the_first():
    f = Field.parse(910, "^Bone^Btwo^a0")
    assert f.get("B") == "one" and f.get("A") == "0"
    f.set("B", "uno")
    assert f.text() == "^Buno^Btwo^A0"
