"""What a scan means: commands, GS1, URL and JSON labels, plain codes; check digits."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from scanners.checks import gs1_check_digit, gtin14, is_valid, upca_to_upce, upce_to_upca
from scanners.parse import COMMAND_CODES, human_readable, parse_scan
from scanners.scan import Scan, strip_aim, symbology_from_aim

GS = "\x1d"


def scan(text: str, symbology: str = "unknown", source: str = "usb") -> Scan:
    return Scan(text, symbology, source, datetime(2026, 1, 1, 9, 0))


@pytest.mark.parametrize(("text", "command", "quantity"), [
    ("CMD:CHECKOUT", "checkout", None),
    ("CMD:CHECKIN", "checkin", None),
    ("CMD:RECEIVE", "receive", None),
    ("CMD:COUNT", "count", None),
    ("CMD:TRANSFER", "transfer", None),
    ("CMD:ISSUE", "issue", None),
    ("CMD:DONE", "done", None),
    ("CMD:UNDO", "undo", None),
    ("CMD:CANCEL", "cancel", None),
    ("CMD:QTY:1", "quantity", 1),
    ("CMD:QTY:10", "quantity", 10),
    ("cmd:qty:3\r", "quantity", 3),  # caps lock on the scanner, CR left on
])
def test_command_barcodes(text, command, quantity):
    parsed = parse_scan(scan(text))
    assert (parsed.kind, parsed.command, parsed.quantity) == ("command", command, quantity)


def test_command_sheet_lists_every_command_and_each_parses_back():
    assert len(COMMAND_CODES) == 9 + 10
    for code, label in COMMAND_CODES.items():
        parsed = parse_scan(scan(code, "code128", "camera"))
        assert parsed.kind == "command"
        assert parsed.human_readable == label


@pytest.mark.parametrize("text", ["CMD:QTY:0", "CMD:QTY:11", "CMD:DANCE", "CHECKOUT"])
def test_things_that_look_like_commands_but_are_not(text):
    parsed = parse_scan(scan(text))
    assert parsed.kind == "plain" and parsed.command is None and parsed.code == text


def test_gs1_with_aim_id_and_group_separator_from_a_wedge_scanner():
    parsed = parse_scan(scan(f"]C1010950110153000317271231{GS}10LOT-7{GS}21SN0042"))
    assert parsed.kind == "gs1"
    assert parsed.gtin == "09501101530003" == parsed.code
    assert parsed.expiry == date(2027, 12, 31)
    assert parsed.lot == "LOT-7"
    assert parsed.serial == "SN0042"
    assert parsed.human_readable == "(01)09501101530003(17)271231(10)LOT-7(21)SN0042"


def test_gs1_from_a_camera_says_so_by_symbology():
    parsed = parse_scan(scan("010950110153000321SER0001", "gs1-datamatrix", "camera"))
    assert (parsed.kind, parsed.gtin, parsed.serial) == ("gs1", "09501101530003", "SER0001")
    assert parsed.human_readable == "(01)09501101530003(21)SER0001"


def test_gs1_known_only_by_a_group_separator():
    parsed = parse_scan(scan(f"{GS}0109501101530003{GS}21ABC"))
    assert (parsed.kind, parsed.gtin, parsed.serial) == ("gs1", "09501101530003", "ABC")


def test_sscc_of_a_pallet():
    parsed = parse_scan(scan("]C100095011015300000027"))
    assert (parsed.kind, parsed.sscc, parsed.code) == ("gs1", "095011015300000027",
                                                       "095011015300000027")


def test_gs1_with_a_bad_gtin_check_digit_is_a_plain_code_with_the_reason():
    parsed = parse_scan(scan("0109501101530004", "gs1-128"))
    assert parsed.kind == "plain" and parsed.gtin is None
    assert "check digit" in parsed.problem


@pytest.mark.parametrize("symbology", ["unknown", "code128", "code39"])
def test_an_eight_digit_asset_tag_is_never_read_as_gs1_or_gtin(symbology):
    # 12345670 has a valid GTIN-8 check digit and "12" is a GS1 AI: still an asset tag.
    parsed = parse_scan(scan("12345670", symbology))
    assert (parsed.kind, parsed.code, parsed.gtin) == ("plain", "12345670", None)


def test_retail_codes_carry_their_gtin():
    assert parse_scan(scan("9501101530003", "ean13")).gtin == "09501101530003"
    assert parse_scan(scan("036000291452", "upca")).gtin == "00036000291452"
    assert parse_scan(scan("01234565", "upce")).gtin == "00012345000065"
    assert parse_scan(scan("]E09501101530003")).gtin == "09501101530003"
    assert parse_scan(scan("9501101530003", "ean13")).code == "9501101530003"


@pytest.mark.parametrize(("url", "code"), [
    ("https://stock.example.com/a/IT-000123", "IT-000123"),
    ("https://stock.example.com/a/IT-000123/", "IT-000123"),
    ("HTTP://stock.example.com/asset?tag=IT-42&x=1", "IT-42"),
    ("https://stock.example.com/a/IT%2F7", "IT/7"),
])
def test_url_labels_carry_an_asset_tag(url, code):
    parsed = parse_scan(scan(url, "qr", "camera"))
    assert (parsed.kind, parsed.code, parsed.human_readable) == ("url", code, url)


def test_gs1_digital_link_is_gs1():
    parsed = parse_scan(scan("https://id.example.org/01/09501101530003/21/SN77", "qr"))
    assert (parsed.kind, parsed.gtin, parsed.serial) == ("gs1", "09501101530003", "SN77")


def test_json_labels():
    parsed = parse_scan(scan('{"asset_tag": "IT-000777", "serial": "5CG1234XYZ"}', "qr"))
    assert (parsed.kind, parsed.code, parsed.serial) == ("json", "IT-000777", "5CG1234XYZ")
    other = parse_scan(scan('{"Tag": "IT-9"}', "qr"))
    assert other.code == "IT-9"
    broken = parse_scan(scan("{not json", "qr"))
    assert (broken.kind, broken.code) == ("plain", "{not json")


def test_human_readable_only_changes_gs1():
    hri = human_readable(f"010950110153000310L1{GS}21S", "gs1-128")
    assert hri == "(01)09501101530003(10)L1(21)S"
    assert human_readable("0109501101530003", "code128") == "0109501101530003"


def test_aim_identifiers():
    assert symbology_from_aim("]C1010950") == "gs1-128"
    assert symbology_from_aim("]d2010950") == "gs1-datamatrix"
    assert symbology_from_aim("]Q3010950") == "gs1-qr"
    assert symbology_from_aim("]E0950110") == "ean13"
    assert symbology_from_aim("IT-000123") == "unknown"
    assert strip_aim("]C1ABC") == "ABC" and strip_aim("ABC") == "ABC"


def test_check_digits():
    assert gs1_check_digit("950110153000") == 3
    assert is_valid("9501101530003", "ean13") and not is_valid("9501101530004", "ean13")
    assert is_valid("96385074", "ean8") and not is_valid("96385075", "ean8")
    assert is_valid("036000291452", "upca") and not is_valid("036000291453", "upca")
    assert is_valid("01234565", "upce") and not is_valid("01234566", "upce")
    assert is_valid("15012345678907", "itf") and not is_valid("15012345678908", "itf")
    assert not is_valid("1501234567", "itf"), "a partial ITF read is not trusted"
    assert not is_valid("lower case", "code39")
    assert gtin14("12345670", "code128") is None


def test_upc_e_expansion_and_compression_agree():
    cases = {"01234565": "012345000065", "04252614": "042100005264", "03456733": "034500000673",
             "03456741": "034560000071", "03456781": "034567000081"}
    for upce, upca in cases.items():
        assert upce_to_upca(upce) == upca
        assert upca_to_upce(upca) == upce
    assert upca_to_upce("036000291452") is None
