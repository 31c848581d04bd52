"""The transparency pages are public: anyone may hold the district to its published heads."""

from ..access import PUBLIC, Page, declare


def declare_pages() -> None:
    declare(
        Page("transparency", PUBLIC),
        Page("transparency_heads", PUBLIC),
        Page("transparency_proof", PUBLIC),
        Page("transparency_consistency", PUBLIC),
    )
