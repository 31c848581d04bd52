import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english_messages():
    """Messages are matched in English here; the pages' Chinese is checked by tests/test_chinese_text.py."""
    with translation.override("en"):
        yield
