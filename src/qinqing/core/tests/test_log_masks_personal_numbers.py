"""Personal data is never logged. A list searched by a full resident ID (the discipline office finding an
official by number) carries it in the URL, and runserver's access log wrote the URL; an exception's message
may quote what it was given. The log masks both, with the masks the pages use."""

import io
import logging
import logging.config

import pytest

ID_NUMBER = "330106198106030002"
PHONE = "13977770001"


@pytest.fixture
def configured(settings):
    """The project's logging as a server configures it, with every stream written to one buffer."""
    logging.config.dictConfig(settings.LOGGING)
    buffer = io.StringIO()
    handlers = [*logging.getLogger().handlers, *logging.getLogger("django.server").handlers]
    for handler in handlers:
        if type(handler) is logging.StreamHandler:  # ours, not pytest's own
            handler.setStream(buffer)
    yield buffer
    logging.config.dictConfig(settings.LOGGING)


def test_the_access_log_masks_a_resident_id_searched_for_and_keeps_the_line(configured):
    logging.getLogger("django.server").info(
        '"%s" %s %s', f"GET /directory/officials/?q={ID_NUMBER} HTTP/1.1", "200", "6283",
        extra={"request": None, "server_time": "03/Dec/2026 17:50:31", "status_code": 200},
    )
    line = configured.getvalue()
    assert ID_NUMBER not in line
    assert "GET /directory/officials/?q=330***********0002 HTTP/1.1" in line


def test_any_line_and_its_traceback_mask_ids_and_mobile_numbers_but_not_tracking_numbers(configured):
    try:
        raise ValueError(f"invalid literal for int() with base 10: '{PHONE}'")
    except ValueError:
        logging.getLogger("qinqing.anything").exception(
            "appeal %s from %s (%s), +86%s", "SQ20261203000004", PHONE, ID_NUMBER, PHONE
        )
    text = configured.getvalue()
    assert PHONE not in text and ID_NUMBER not in text
    assert "139****0001" in text and "330***********0002" in text and "Traceback" in text
    assert "SQ20261203000004" in text
