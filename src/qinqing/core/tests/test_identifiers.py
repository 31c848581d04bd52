"""Tests for qinqing.core.identifiers."""

import datetime
import os

from django.conf import settings

# Standalone run (-p no:django): configure minimal settings. Under pytest-django
# the project settings are configured first, so this guard does nothing.
if not settings.configured and not os.environ.get("DJANGO_SETTINGS_MODULE"):
    settings.configure(USE_I18N=False)

import pytest  # noqa: E402
from django.core.exceptions import ValidationError  # noqa: E402
from django.utils import translation  # noqa: E402

from qinqing.core import identifiers as ids  # noqa: E402

# Published codes of well-known companies; both the organisation-code check
# (character 17, GB 11714) and the USCC check (character 18) agree with them.
REAL_USCCS = [
    "91350100M000100Y43",  # GB 32100-2015 worked example
    "91110000802100433B",  # 北京百度网讯科技有限公司
    "914403001922038216",  # 华为技术有限公司
    "91440300708461136T",  # 深圳市腾讯计算机系统有限公司
    "91330100799655058B",  # 阿里巴巴(中国)有限公司
    "91110000600037341L",
    "121200004013590816",  # a public institution (事业单位)
    "92340602MA2PBMEM24",  # an individual business (个体工商户)
    "9144030071526726XG",  # organisation check character X
]

TODAY = datetime.date(2025, 1, 1)


def _error_code(func, value, **kwargs) -> str:
    with pytest.raises(ValidationError) as info:
        func(value, **kwargs)
    return info.value.code


def _message(func, value, **kwargs) -> str:
    """The English error message (the project default language is zh-hans)."""
    with pytest.raises(ValidationError) as info:
        func(value, **kwargs)
    with translation.override("en"):
        return str(info.value.messages[0])


# --- USCC -----------------------------------------------------------------


@pytest.mark.parametrize("code", REAL_USCCS)
def test_real_uscc_codes_are_valid(code):
    assert ids.validate_uscc(code) == code
    assert ids.is_valid_uscc(code)
    assert ids.uscc_check_character(code[:17]) == code[17]
    assert ids.org_code_check_character(code[8:16]) == code[16]


def test_uscc_is_normalised():
    assert ids.validate_uscc("  91350100m000100y43 ") == "91350100M000100Y43"
    assert ids.validate_uscc("９１３５０１００Ｍ０００１００Ｙ４３") == "91350100M000100Y43"
    assert ids.validate_uscc("9135 0100 M000 100Y 43") == "91350100M000100Y43"


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("", "uscc_length"),
        ("91350100M000100Y4", "uscc_length"),
        ("91350100M000100Y433", "uscc_length"),
        ("91350100M000100I43", "uscc_charset"),
        ("91350100M00010-Y43", "uscc_charset"),
        ("B1350100M000100Y43", "uscc_department"),
        ("90350100M000100Y43", "uscc_category"),
        ("9A350100M000100Y43", "uscc_category"),
        ("913501A0M000100Y43", "uscc_region"),
        ("91350100M000100Y53", "uscc_org_check"),
        ("91350100M000100Y4A", "uscc_check"),
        ("91350100M000100Y44", "uscc_check"),
    ],
)
def test_uscc_errors_have_specific_codes(value, code):
    assert _error_code(ids.validate_uscc, value) == code
    assert not ids.is_valid_uscc(value)


def test_uscc_check_message_names_rule_and_expected_value():
    message = _message(ids.validate_uscc, "91350100M000100Y4A")
    assert "expected 3, got A" in message
    assert "GB 32100-2015" in message
    assert "18 characters" in _message(ids.validate_uscc, "123")
    assert "I" in _message(ids.validate_uscc, "91350100M000100I43")


def test_uscc_check_character_generates_valid_codes():
    body = "91110108" + "MA01ABCD"
    first17 = body + ids.org_code_check_character(body[8:])
    code = first17 + ids.uscc_check_character(first17)
    assert ids.is_valid_uscc(code)


def test_uscc_check_character_rejects_bad_input():
    with pytest.raises(ValueError):
        ids.uscc_check_character("123")
    with pytest.raises(ValueError):
        ids.uscc_check_character("91350100M000100O4")


def test_is_valid_uscc_handles_none():
    assert not ids.is_valid_uscc(None)


# --- Resident identity number ----------------------------------------------

# GB 11643-1999 worked example (Beijing Chaoyang, born 1949-12-31, female).
STANDARD_ID = "11010519491231002X"


def test_standard_example_is_valid():
    assert ids.validate_resident_id(STANDARD_ID, today=TODAY) == STANDARD_ID
    assert ids.resident_id_check_character(STANDARD_ID[:17]) == "X"


def test_resident_id_lowercase_x_is_normalised():
    assert ids.validate_resident_id(" 11010519491231002x", today=TODAY) == STANDARD_ID
    assert ids.is_valid_resident_id(STANDARD_ID.lower())


def test_birth_date_and_gender():
    assert ids.birth_date_from_resident_id(STANDARD_ID) == datetime.date(1949, 12, 31)
    assert ids.gender_from_resident_id(STANDARD_ID) == ids.Gender.FEMALE
    first17 = "11010519900307003"  # digit 17 = 3, odd
    male = first17 + ids.resident_id_check_character(first17)
    assert ids.gender_from_resident_id(male) == ids.Gender.MALE == "male"


def _with_check(first17: str) -> str:
    return first17 + ids.resident_id_check_character(first17)


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("", "resident_id_length"),
        ("110105491231002", "resident_id_length"),  # legacy 15-digit form
        ("1101051949123100XX", "resident_id_charset"),
        ("11010519491231002A", "resident_id_charset"),
        (_with_check("10010519491231002"), "resident_id_region"),
        (_with_check("99010519491231002"), "resident_id_region"),
        (_with_check("11010519490230002"), "resident_id_birth_date"),
        (_with_check("11010519491301002"), "resident_id_birth_date"),
        (_with_check("44052418800101001"), "resident_id_birth_date"),
        (_with_check("11010520250102002"), "resident_id_birth_date"),
        ("110105194912310021", "resident_id_check"),
    ],
)
def test_resident_id_errors_have_specific_codes(value, code):
    assert _error_code(ids.validate_resident_id, value, today=TODAY) == code


def test_resident_id_messages():
    future = _with_check("11010520250102002")
    assert "in the future" in _message(ids.validate_resident_id, future, today=TODAY)
    old = _with_check("44052418800101001")
    assert "before 1900" in _message(ids.validate_resident_id, old, today=TODAY)
    message = _message(ids.validate_resident_id, "110105194912310021", today=TODAY)
    assert "expected X, got 1" in message


def test_resident_id_birth_date_today_is_allowed():
    value = _with_check("11010520250101002")
    assert ids.validate_resident_id(value, today=TODAY) == value


@pytest.mark.parametrize("prefix", ["11", "15", "23", "37", "46", "54", "65", "71", "81", "82", "83", "91"])
def test_resident_id_accepts_all_region_prefixes(prefix):
    assert ids.is_valid_resident_id(_with_check(prefix + "010519491231002"))


@pytest.mark.parametrize("prefix", ["10", "16", "20", "24", "30", "38", "47", "55", "66", "72", "84", "90"])
def test_resident_id_rejects_unknown_region_prefixes(prefix):
    assert not ids.is_valid_resident_id(_with_check(prefix + "010519491231002"))


def test_resident_id_check_character_rejects_bad_input():
    with pytest.raises(ValueError):
        ids.resident_id_check_character("1234")


# --- Masking ---------------------------------------------------------------


def test_mask_resident_id():
    assert ids.mask_resident_id(STANDARD_ID) == "110***********002X"
    assert ids.mask_resident_id("11010519491231002x") == "110***********002X"
    assert ids.mask_resident_id("110105491231002") == "110********1002"
    assert ids.mask_resident_id("1234") == "**34"
    assert ids.mask_resident_id("") == ""


def test_mask_phone():
    assert ids.mask_phone("13812345678") == "138****5678"
    assert ids.mask_phone("138 1234 5678") == "138****5678"
    assert ids.mask_phone("+86 138-1234-5678") == "+86 138****5678"
    assert ids.mask_phone("010-12345678") == "010****5678"
    assert ids.mask_phone("12345") == "***45"
    assert ids.mask_phone("12") == "**"


# --- Mobile phone ------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    ["13812345678", "19912345678", "+86 138 1234 5678", "0086-13812345678", "8613812345678"],
)
def test_valid_mobile_phones(value):
    assert ids.validate_mobile_phone(value) in {"13812345678", "19912345678"}
    assert ids.is_valid_mobile_phone(value)


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("1381234567a", "mobile_phone_charset"),
        ("", "mobile_phone_charset"),
        ("1381234567", "mobile_phone_length"),
        ("138123456789", "mobile_phone_length"),
        ("12812345678", "mobile_phone_prefix"),
        ("23812345678", "mobile_phone_prefix"),
    ],
)
def test_invalid_mobile_phones(value, code):
    assert _error_code(ids.validate_mobile_phone, value) == code
