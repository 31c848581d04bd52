"""Validation and masking of Chinese identifiers (pure functions, no database).

* Unified Social Credit Code (统一社会信用代码), GB 32100-2015, including the
  embedded organisation code (组织机构代码), GB 11714.
* Resident identity number (公民身份号码), GB 11643-1999 (18-digit form only).
* Mainland China mobile phone numbers.

Validators normalise their input (Unicode NFKC, so full-width digits typed
with a Chinese input method are accepted; whitespace removed; upper case),
return the normalised value and raise ``django.core.exceptions.ValidationError``
with a specific ``code`` naming the rule that failed. They can therefore be used
directly as Django field validators (Django ignores the return value).
"""

from __future__ import annotations

import datetime
import enum
import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import clock

# --------------------------------------------------------------------------
# Unified Social Credit Code (GB 32100-2015)
# --------------------------------------------------------------------------

USCC_LENGTH = 18
#: The 31 characters used by GB 32100-2015 (no I, O, Z, S, V), in value order.
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
#: Registration authority codes (登记管理部门代码): the four of the 2015 standard
#: (1 机构编制, 5 民政, 9 工商, Y 其他) plus those assigned since (2-4, 6-8, A, N).
USCC_DEPARTMENT_CODES = "123456789ANY"
#: Organisation category codes (机构类别代码) are digits; the per-authority
#: tables have been extended since 2015, so only 1-9 is enforced.
USCC_CATEGORY_CODES = "123456789"
ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)

_USCC_VALUES = {char: index for index, char in enumerate(USCC_ALPHABET)}


def _normalise(value: object) -> str:
    """NFKC-normalise, drop all whitespace and upper-case ``value``."""
    text = "" if value is None else str(value)
    text = unicodedata.normalize("NFKC", text)
    return "".join(text.split()).upper()


def _org_char_value(char: str) -> int:
    """Value of an organisation-code character (GB 11714: 0-9, A=10 ... Z=35)."""
    return int(char, 36)


def org_code_check_character(body8: str) -> str:
    """Return the GB 11714 check character for an 8-character organisation code body."""
    body = _normalise(body8)
    if len(body) != 8 or not body.isalnum() or not body.isascii():
        raise ValueError("An organisation code body is 8 ASCII letters or digits.")
    total = sum(_org_char_value(c) * w for c, w in zip(body, ORG_CODE_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def uscc_check_character(first17: str) -> str:
    """Return the GB 32100-2015 check character (position 18) for 17 characters."""
    code = _normalise(first17)
    if len(code) != USCC_LENGTH - 1 or any(c not in _USCC_VALUES for c in code):
        raise ValueError("Expected 17 characters from the USCC alphabet.")
    total = sum(_USCC_VALUES[c] * w for c, w in zip(code, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def _check_uscc_structure(code: str) -> None:
    """Raise ValidationError for length, character set and positions 1-8."""
    if len(code) != USCC_LENGTH:
        raise ValidationError(
            _(
                "The unified social credit code must be exactly 18 characters "
                "long (GB 32100-2015); got %(length)d."
            ),
            code="uscc_length",
            params={"length": len(code)},
        )
    bad = next((c for c in code if c not in _USCC_VALUES), None)
    if bad is not None:
        raise ValidationError(
            _(
                "The unified social credit code may only contain digits and the "
                "capital letters A-Z except I, O, Z, S and V (GB 32100-2015); "
                "invalid character: %(char)s."
            ),
            code="uscc_charset",
            params={"char": bad},
        )
    if code[0] not in USCC_DEPARTMENT_CODES:
        raise ValidationError(
            _(
                "The first character of the unified social credit code (the "
                "registration authority code) must be one of %(allowed)s "
                "(GB 32100-2015); got %(actual)s."
            ),
            code="uscc_department",
            params={"allowed": ", ".join(USCC_DEPARTMENT_CODES), "actual": code[0]},
        )
    if code[1] not in USCC_CATEGORY_CODES:
        raise ValidationError(
            _(
                "The second character of the unified social credit code (the "
                "organisation category code) must be a digit from 1 to 9 "
                "(GB 32100-2015); got %(actual)s."
            ),
            code="uscc_category",
            params={"actual": code[1]},
        )
    if not code[2:8].isdigit():
        raise ValidationError(
            _(
                "Characters 3 to 8 of the unified social credit code (the "
                "administrative division code) must be six digits "
                "(GB 32100-2015); got %(actual)s."
            ),
            code="uscc_region",
            params={"actual": code[2:8]},
        )


def _check_uscc_check_characters(code: str) -> None:
    """Raise ValidationError if either check character (17 or 18) is wrong."""
    expected_org = org_code_check_character(code[8:16])
    if code[16] != expected_org:
        raise ValidationError(
            _(
                "The check character of the organisation code inside the unified "
                "social credit code (character 17) is wrong: expected "
                "%(expected)s, got %(actual)s (GB 11714)."
            ),
            code="uscc_org_check",
            params={"expected": expected_org, "actual": code[16]},
        )
    expected = uscc_check_character(code[:17])
    if code[17] != expected:
        raise ValidationError(
            _(
                "The check character of the unified social credit code is wrong: "
                "expected %(expected)s, got %(actual)s (GB 32100-2015)."
            ),
            code="uscc_check",
            params={"expected": expected, "actual": code[17]},
        )


def validate_uscc(value: str) -> str:
    """Validate a Unified Social Credit Code and return it normalised."""
    code = _normalise(value)
    _check_uscc_structure(code)
    _check_uscc_check_characters(code)
    return code


def is_valid_uscc(value: object) -> bool:
    """Return True if ``value`` is a valid Unified Social Credit Code."""
    try:
        validate_uscc(value)  # type: ignore[arg-type]
    except ValidationError:
        return False
    return True


# --------------------------------------------------------------------------
# Resident identity number (GB 11643-1999)
# --------------------------------------------------------------------------

RESIDENT_ID_LENGTH = 18
RESIDENT_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_RESIDENT_ID_CHECK_MAP = "10X98765432"  # indexed by weighted sum % 11
#: First two digits of the area code: provinces (GB/T 2260), Taiwan (71),
#: Hong Kong (81), Macao (82), Taiwan residence permits (83), foreigners (91).
PROVINCE_CODES = frozenset(
    [str(n) for n in range(11, 16)]
    + [str(n) for n in range(21, 24)]
    + [str(n) for n in range(31, 38)]
    + [str(n) for n in range(41, 47)]
    + [str(n) for n in range(50, 55)]
    + [str(n) for n in range(61, 66)]
    + ["71", "81", "82", "83", "91"]
)
MIN_BIRTH_YEAR = 1900


class Gender(enum.StrEnum):
    """Gender encoded in digit 17 of a resident identity number."""

    MALE = "male"
    FEMALE = "female"



def resident_id_check_character(first17: str) -> str:
    """Return the GB 11643-1999 check character for the first 17 digits."""
    digits = _normalise(first17)
    if len(digits) != RESIDENT_ID_LENGTH - 1 or not _is_ascii_digits(digits):
        raise ValueError("Expected exactly 17 digits.")
    total = sum(int(d) * w for d, w in zip(digits, RESIDENT_ID_WEIGHTS, strict=True))
    return _RESIDENT_ID_CHECK_MAP[total % 11]


def _is_ascii_digits(text: str) -> bool:
    """True if ``text`` is non-empty and only ASCII 0-9."""
    return bool(re.fullmatch(r"[0-9]+", text))


def _check_resident_id_format(number: str) -> None:
    """Raise ValidationError for length, character set and region."""
    if len(number) != RESIDENT_ID_LENGTH:
        raise ValidationError(
            _(
                "The resident identity number must be exactly 18 characters "
                "long (GB 11643-1999); got %(length)d."
            ),
            code="resident_id_length",
            params={"length": len(number)},
        )
    if not _is_ascii_digits(number[:17]) or not re.fullmatch(r"[0-9X]", number[17]):
        raise ValidationError(
            _(
                "The resident identity number must be 17 digits followed by a "
                "digit or the letter X (GB 11643-1999)."
            ),
            code="resident_id_charset",
        )
    if number[:2] not in PROVINCE_CODES:
        raise ValidationError(
            _(
                "The first six digits of the resident identity number must be an "
                "administrative division code beginning with a valid province "
                "code (GB 11643-1999); got %(actual)s."
            ),
            code="resident_id_region",
            params={"actual": number[:6]},
        )


def _parse_birth_date(number: str, today: datetime.date) -> datetime.date:
    """Return the date of birth in digits 7-14, raising ValidationError if invalid."""
    raw = number[6:14]
    try:
        born = datetime.date(int(raw[:4]), int(raw[4:6]), int(raw[6:]))
    except ValueError:
        raise ValidationError(
            _(
                "Digits 7 to 14 of the resident identity number must be a valid "
                "date of birth in the form YYYYMMDD (GB 11643-1999); got %(actual)s."
            ),
            code="resident_id_birth_date",
            params={"actual": raw},
        ) from None
    if born.year < MIN_BIRTH_YEAR:
        raise ValidationError(
            _("The date of birth in the resident identity number (%(date)s) is before 1900."),
            code="resident_id_birth_date",
            params={"date": born.isoformat()},
        )
    if born > today:
        raise ValidationError(
            _("The date of birth in the resident identity number (%(date)s) is in the future."),
            code="resident_id_birth_date",
            params={"date": born.isoformat()},
        )
    return born


def _check_resident_id_check_character(number: str) -> None:
    """Raise ValidationError if the check character (position 18) is wrong."""
    expected = resident_id_check_character(number[:17])
    if number[17] != expected:
        raise ValidationError(
            _(
                "The check character of the resident identity number is wrong: "
                "expected %(expected)s, got %(actual)s (GB 11643-1999)."
            ),
            code="resident_id_check",
            params={"expected": expected, "actual": number[17]},
        )


def validate_resident_id(value: str, *, today: datetime.date | None = None) -> str:
    """Validate an 18-digit resident identity number and return it normalised.

    ``today`` (default: the current local date) bounds the date of birth.
    """
    number = _normalise(value)
    _check_resident_id_format(number)
    _parse_birth_date(number, today or clock.today())
    _check_resident_id_check_character(number)
    return number


def is_valid_resident_id(value: object) -> bool:
    """Return True if ``value`` is a valid resident identity number."""
    try:
        validate_resident_id(value)  # type: ignore[arg-type]
    except ValidationError:
        return False
    return True


def birth_date_from_resident_id(value: str) -> datetime.date:
    """Return the date of birth of a valid resident identity number."""
    number = validate_resident_id(value)
    return datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def gender_from_resident_id(value: str) -> Gender:
    """Return the gender of a valid resident identity number (digit 17 odd = male)."""
    number = validate_resident_id(value)
    return Gender.MALE if int(number[16]) % 2 else Gender.FEMALE


# --------------------------------------------------------------------------
# Masking for display
# --------------------------------------------------------------------------


def _mask_middle(text: str, head: int, tail: int) -> str:
    """Keep ``head`` leading and ``tail`` trailing characters, star the rest.

    Too-short values are masked more aggressively so that at most half of
    the characters stay visible.
    """
    if len(text) <= head + tail:
        visible = len(text) // 2 if len(text) > 2 else 0
        return "*" * (len(text) - visible) + text[len(text) - visible :]
    return text[:head] + "*" * (len(text) - head - tail) + text[-tail:]


def mask_resident_id(value: str) -> str:
    """Mask an identity number for display: ``110***********123X``."""
    return _mask_middle(_normalise(value), 3, 4)


def mask_name(value: str) -> str:
    """Mask a private person's name for a list: the first character (the surname, mostly), the rest starred
    (``李*``, ``欧阳**``); a list names who is concerned without spelling out a private person."""
    text = "".join(("" if value is None else str(value)).split())
    return text[:1] + "*" * (len(text) - 1) if len(text) > 1 else "*" * len(text)


def mask_birth_date(value: object) -> str:
    """A date of birth for display beside a masked ID number: nothing of it (``****-**-**``).
    Its 8 digits are the middle of the resident ID; shown, they would undo the ID's mask."""
    return "****-**-**"


_COUNTRY_PREFIX = re.compile(r"^(?:\+86|0086)(?=\d{11}$)|^86(?=1\d{10}$)")


def _split_phone(value: object) -> tuple[str, str]:
    """Return (country prefix, national number) after removing separators."""
    text = re.sub(r"[\s\-()]", "", _normalise(value))
    match = _COUNTRY_PREFIX.match(text)
    if match:
        return match.group(0), text[match.end() :]
    return "", text


def mask_phone(value: str) -> str:
    """Mask a phone number for display: ``138****5678``.

    Separators are removed; a +86/0086/86 country prefix is kept as ``+86 ``.
    Other lengths keep the first 3 and last 4 characters where that still
    hides something, otherwise at most half of the characters stay visible.
    """
    prefix, national = _split_phone(value)
    masked = _mask_middle(national, 3, 4)
    return f"+86 {masked}" if prefix else masked


# --------------------------------------------------------------------------
# Mainland mobile phone numbers
# --------------------------------------------------------------------------

MOBILE_PHONE_LENGTH = 11


def validate_mobile_phone(value: str) -> str:
    """Validate a mainland China mobile number and return its 11 bare digits.

    Spaces, hyphens, parentheses and a +86/0086/86 prefix are accepted and removed.
    """
    _prefix, number = _split_phone(value)
    if not _is_ascii_digits(number):
        raise ValidationError(
            _(
                "A mobile phone number may only contain digits (spaces, hyphens "
                "and a +86 prefix are allowed)."
            ),
            code="mobile_phone_charset",
        )
    if len(number) != MOBILE_PHONE_LENGTH:
        raise ValidationError(
            _("A mainland China mobile phone number has 11 digits; got %(length)d."),
            code="mobile_phone_length",
            params={"length": len(number)},
        )
    if not re.fullmatch(r"1[3-9]", number[:2]):
        raise ValidationError(
            _("A mainland China mobile phone number must start with 13 to 19; got %(prefix)s."),
            code="mobile_phone_prefix",
            params={"prefix": number[:2]},
        )
    return number


def is_valid_mobile_phone(value: object) -> bool:
    """Return True if ``value`` is a valid mainland China mobile number."""
    try:
        validate_mobile_phone(value)  # type: ignore[arg-type]
    except ValidationError:
        return False
    return True
