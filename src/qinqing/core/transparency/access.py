"""The transparency pages are public: anyone may hold the district to its published heads, and a
filing's holder checks its receipt without an account."""

from ..access import PUBLIC, Page, declare


def declare_pages() -> None:
    declare(
        Page("transparency", PUBLIC),
        Page("transparency_heads", PUBLIC),
        Page("transparency_proof", PUBLIC),
        Page("transparency_consistency", PUBLIC),
        Page("transparency_receipt_lookup", PUBLIC),
        Page("transparency_receipt", PUBLIC),
        Page("transparency_receipt_json", PUBLIC),
        Page("receipt_short", PUBLIC),
    )
