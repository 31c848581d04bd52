"""The receipt pages are public: a filing's holder checks its receipt without an account."""

from ..access import PUBLIC, Page, declare


def declare_receipt_pages() -> None:
    declare(
        Page("transparency_receipt_lookup", PUBLIC),
        Page("transparency_receipt", PUBLIC),
        Page("transparency_receipt_json", PUBLIC),
        Page("receipt_short", PUBLIC),
    )
