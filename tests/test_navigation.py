"""Logged in as any demo role, no link the system shows leads to a 403 or 404 page, no list or
export it opens shows a full resident ID or phone number, and no log line written while the demo
district was loaded or walked holds one.

The demo district is loaded as ``./qinqing serve`` loads it on its first run (the demo accounts,
the seed policy, a small generated district that binds the accounts to officials and an
enterprise, some appeals); then, for each demo account, every link of the menus and of the home
page's tiles is opened and must answer 200 (after any redirect). Last, every POST form those pages
and their records show is posted with 20-digit values and must answer below 500.
"""

from __future__ import annotations

import contextlib
import logging
import re
from html import unescape

import pytest
from django.db import transaction
from django.urls import reverse

from qinqing.core import access
from qinqing.core.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from qinqing.core.upgrade import menu_links
from tests.demo_district import load_demo_district

pytestmark = pytest.mark.django_db



class _KeptLines(logging.Handler):
    def __init__(self):
        super().__init__(logging.INFO)
        self.lines: list[str] = []

    def emit(self, record):
        text = f"{record.name} {record.getMessage()}"
        if record.exc_info:
            text += "\n" + logging.Formatter().formatException(record.exc_info)
        self.lines.append(text)


@contextlib.contextmanager
def _logs_kept():
    """Every log line at INFO and above (what an operator sets QINQING_LOG_LEVEL=INFO for), kept."""
    root, handler = logging.getLogger(), _KeptLines()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        yield handler.lines
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


@pytest.fixture(scope="module")
def demo_district(django_db_setup, django_db_blocker):
    """The demo loaded; yields the log lines its loading wrote (appeals filed, notices sent)."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            with _logs_kept() as lines:
                load_demo_district()
            yield lines
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture(scope="module")
def _shared_client(demo_district):
    from django.test import Client

    return Client(raise_request_exception=False)  # a broken link is reported with the others, not raised


_links = menu_links  # the menu and tile links a signed-in page shows (the upgrade check walks the same)


@pytest.mark.parametrize("username", [account[0] for account in DEMO_ACCOUNTS])
def test_every_link_a_demo_role_is_shown_opens(_shared_client, username):
    from django.contrib.auth import get_user_model

    client = _shared_client
    client.cookies.clear()
    user = get_user_model().objects.get(username=username)
    assert user.check_password(DEMO_PASSWORD)
    client.force_login(user)
    home = client.get("/")
    assert home.status_code == 200
    links = _links(home.content.decode())
    assert links, f"{username} is shown no link at all"
    broken = {}
    for link in links:
        response = client.get(link, follow=True)
        if response.status_code != 200:
            broken[link] = response.status_code
    assert not broken, f"{username} is shown links that do not open: {broken}"


def test_the_enterprise_sees_only_its_own_conduct_links(_shared_client):
    """The issue that started this: the enterprise's 涉企 menu showed 7 links, 6 of them refused."""
    from django.contrib.auth import get_user_model

    client = _shared_client
    client.cookies.clear()
    user = get_user_model().objects.get(username="enterprise")
    client.force_login(user)
    html = client.get("/conduct/rules/").content.decode()
    subnav = re.search(r'<nav class="subnav" data-testid="conduct-nav">(.*?)</nav>', html, re.S)
    assert subnav is not None
    shown = sorted(re.findall(r'href="([^"]+)"', subnav.group(1)))
    assert shown == sorted([reverse("conduct:pledge_sign"), reverse("conduct:rules")])
    assert not access.may_open(user, "conduct:my_requests") and not access.may_open(user, "conduct:red_flags")


_PORTAL_LINK = re.compile(
    r'<a (?:class="tile" )?href="([^"]+)"[^>]*data-testid="(?:portal-nav|portal-service|feed|xlsx)-[^"]*"'
)


def test_every_link_the_public_portal_shows_a_visitor_opens(_shared_client):
    """A visitor who is not signed in: the portal navigation on every public page, and the portal's
    sections, feeds, downloads and services (core.portal) all open, on the demo district's data."""
    client = _shared_client
    client.logout()
    links = set()
    for page in ("/", reverse("core:portal")):
        response = client.get(page)
        assert response.status_code == 200
        links.update(unescape(href) for href in _PORTAL_LINK.findall(response.content.decode()))
    assert len(links) >= 15, links
    broken = {}
    for link in sorted(links):
        response = client.get(link, follow=True)
        if response.status_code != 200:
            broken[link] = response.status_code
    assert not broken, f"a visitor is shown portal links that do not open: {broken}"


# --- personal data in lists and exports ---------------------------------------------------------------------
_ID_OR_PHONE = re.compile(r"[0-9][0-9Xx]{10,17}")
_EXPORT_LINK = re.compile(r'href="([^"]+\.(?:xlsx|csv)(?:\?[^"]*)?)"')


def _personal_values() -> dict[str, str]:
    """Every resident ID and phone number (an encrypted text field's value of 11 or more digits, X
    allowed) the demo district holds, read through the models (decrypted), each with where it came
    from. Names and addresses are left out: a contact's name may be an enterprise's, shown rightly."""
    from django.apps import apps

    from qinqing.core.crypto import EncryptedTextField

    found = {}
    for model in apps.get_models():
        names = [
            field.name for field in model._meta.concrete_fields
            if isinstance(field, EncryptedTextField) and not field.choices
        ]
        if not names:
            continue
        for row in model._default_manager.all().iterator():
            for name in names:
                value = str(getattr(row, name) or "").strip()
                if _ID_OR_PHONE.fullmatch(value):
                    found[value] = f"{model._meta.label}.{name}"
    return found


def _text_of(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if content[:2] == b"PK":  # a workbook: every cell's text
        import io

        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(content), read_only=True)
        rows = (row for sheet in book.worksheets for row in sheet.iter_rows(values_only=True))
        return "\n".join(str(cell) for row in rows for cell in row if cell is not None)
    return content.decode("utf-8", "replace")


@pytest.mark.parametrize("username", [account[0] for account in DEMO_ACCOUNTS])
def test_no_list_or_export_a_demo_role_opens_shows_a_full_resident_id_or_phone(
    demo_district, _shared_client, username
):
    """The promise: personal data is masked in lists, no export reveals more, and none is logged. Every
    page of the role's menus and tiles (the lists), and every workbook or CSV those pages link to, is
    read for every full resident ID and phone number in the district; so is every log line written
    while the demo was loaded (appeals filed, notices sent) and while the role's pages were opened."""
    from django.contrib.auth import get_user_model

    client = _shared_client
    client.cookies.clear()
    client.force_login(get_user_model().objects.get(username=username))
    personal = _personal_values()
    assert personal, "the demo district holds no resident ID or phone number to look for"
    exports = set()
    shown = {}
    with _logs_kept() as walked:
        pages = _links(client.get("/").content.decode())
        for link in pages:
            response = client.get(link, follow=True)
            if response.status_code != 200:
                continue
            text = _text_of(response)
            exports.update(unescape(href) for href in _EXPORT_LINK.findall(text) if href.startswith("/"))
            shown.update({value: (link, where) for value, where in personal.items() if value in text})
        for link in sorted(exports):
            response = client.get(link)
            if response.status_code == 200:
                text = _text_of(response)
                shown.update({value: (link, where) for value, where in personal.items() if value in text})
    assert not shown, f"{username} is shown full personal data in lists or exports: {shown}"
    logged = {value: line for line in [*demo_district, *walked] for value in personal if value in line}
    assert not logged, f"full personal data in the log: {logged}"


# --- every form, posted with numbers past every column ------------------------------------------------------
_FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S)
_FIELD = re.compile(r"<(input|textarea|select)\b([^>]*)>(.*?)(?=<(?:input|textarea|select)\b|$)", re.S)
_DETAIL_LINK = re.compile(r'href="(/[^"?#]*/\d+/)"')
_HUGE = "99999999999999999999"  # past a PositiveIntegerField (2**31) and a DecimalField(max_digits=14)


def _attribute(tag: str, name: str) -> str | None:
    found = re.search(rf'\b{name}="([^"]*)"', tag)
    return unescape(found.group(1)) if found else None


def _huge_values(body: str) -> dict[str, list[str]]:
    """What a careless or hostile user sends: every text, number and textarea field 20 digits; hidden
    fields, dates and choices as the page set them (the first choice offered), boxes ticked as shown."""
    data: dict[str, list[str]] = {}
    for kind, tag, rest in _FIELD.findall(body):
        name = _attribute(tag, "name")
        kind_of = (_attribute(tag, "type") or "text").lower() if kind == "input" else kind
        if not name or kind_of in ("submit", "button", "file", "image", "reset"):
            continue
        if kind_of in ("checkbox", "radio"):
            value = (_attribute(tag, "value") or "on") if " checked" in tag or kind_of == "radio" else None
        elif kind_of == "select":
            value = next((unescape(v) for v in re.findall(r'<option\b[^>]*value="([^"]*)"', rest) if v), None)
        elif kind_of in ("hidden", "date", "datetime-local", "month", "time"):
            value = _attribute(tag, "value") or {"date": "2026-11-30", "datetime-local": "2026-11-30T10:00",
                                                 "month": "2026-11", "time": "10:00"}.get(kind_of, "")
        else:
            value = _HUGE
        if value is not None:
            data.setdefault(name, []).append(value)
    return data


def _post_forms(client):
    """(page, form attributes, form body) of every POST form on the signed-in role's menu pages, tiles
    and the first two records of each kind they link to."""
    pages = _links(client.get("/").content.decode())
    shapes: dict[str, int] = {}
    for page in list(pages):
        response = client.get(page, follow=True)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        for link in sorted(set(_DETAIL_LINK.findall(response.content.decode()))):
            shape = re.sub(r"\d+", "N", link)
            if shapes.get(shape, 0) < 2 and link not in pages:
                shapes[shape] = shapes.get(shape, 0) + 1
                pages.append(link)
    for page in pages:
        response = client.get(page, follow=True)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        for attributes, body in _FORM.findall(response.content.decode()):
            if (_attribute(attributes, "method") or "get").lower() == "post":
                yield page, attributes, body


# A form whose repeat (a double click, Back and send again, a retry after a lost connection) would file a
# second record carries a one-time token (core.idempotency.FormTokenMiddleware); by data-testid. Not here:
# settings and edits (sending them again sets the same values), workflow steps (the second is refused:
# the record has moved on), lookups, imports (idempotent by natural key) and prints (each one recorded).
FILING_FORMS = {
    "appeal-form", "operator-form", "form-revisit", "problem-form", "follow-up-form", "decision-form",
    "list-form", "meeting-form", "opinion-form", "gift-form", "recusal-form", "recusal-order-form",
    "declaration-form", "pledge-form", "request-form", "protection-form", "objection-form", "action-form",
    "recommendation-form", "obligation-form", "apply-form", "commitment-form", "flag-form", "programme-form",
    "intake-form", "message-form", "inspection-form", "reminder-form", "duty-task-form", "fairness-form",
    "add-finding-form", "bribery-form", "listing-form", "record-form", "comprehensive-form", "measure-form",
    "plan-form", "activity-form", "form-new-interpretation", "form-urge",
}
# the same data-testid on a form that files nothing: the leader's decision on an activity (a workflow step)
_NOT_FILING_PAGES = {"decision-form": re.compile(r"^/conduct/requests/")}


def _filing_walk(client, username: str) -> set[tuple[str, str]]:
    """The filing forms ``username`` is shown that render no one-time token; the forms met are kept."""
    from django.contrib.auth import get_user_model

    client.cookies.clear()
    client.force_login(get_user_model().objects.get(username=username))
    seen, missing = set(), set()
    for page, attributes, body in _post_forms(client):
        testid = _attribute(attributes, "data-testid") or ""
        elsewhere = _NOT_FILING_PAGES.get(testid)
        if testid not in FILING_FORMS or (elsewhere is not None and elsewhere.match(page)):
            continue
        seen.add(testid)
        if 'name="form_token"' not in body:
            missing.add((testid, re.sub(r"\d+", "N", page)))
    _FILING_FORMS_SEEN[username] = seen
    return missing


@pytest.mark.parametrize("username", [account[0] for account in DEMO_ACCOUNTS])
def test_every_filing_form_a_demo_role_is_shown_files_once(_shared_client, username):
    """The promise "nothing twice": each filing form the role is shown renders its one-time token."""
    missing = _filing_walk(_shared_client, username)
    assert not missing, f"{username}: filing forms without a one-time token: {sorted(missing)}"


_FILING_FORMS_SEEN: dict[str, set[str]] = {}  # by demo account, the filing forms its walk met


def test_the_filing_forms_were_all_met(_shared_client):
    """The walks above met every form of FILING_FORMS (a renamed data-testid would skip its form). A
    parallel run hands the walks to several processes: the roles this process did not walk are walked
    here."""
    for username, *_ in DEMO_ACCOUNTS:
        if username not in _FILING_FORMS_SEEN:
            _filing_walk(_shared_client, username)
    met = set().union(*_FILING_FORMS_SEEN.values())
    assert not FILING_FORMS - met, FILING_FORMS - met


# the administrator last: its forms change accounts and settings the other roles' walks would meet
_ADMIN_LAST = sorted((account[0] for account in DEMO_ACCOUNTS), key=lambda name: name == "admin")


@pytest.mark.parametrize("username", _ADMIN_LAST)
def test_every_form_a_demo_role_is_shown_refuses_numbers_past_its_columns_without_a_500(
    _shared_client, username
):
    """The promise: bad input gets a clear 4xx, never a 500. Every POST form on the role's menu pages,
    tiles and the first two records of each kind they link to is posted (twice: the second time meets
    what the first one recorded) with every text and number field at 20 digits. SQLite stores such a
    number where PostgreSQL refuses the row, so on PostgreSQL (CI) this finds a service that does not
    bound a number by what its column holds (a conduct report's cost per head, an appeal time limit did
    not). Run last in the module: what it records is rolled back with the demo district."""
    from django.contrib.auth import get_user_model

    client = _shared_client
    client.cookies.clear()
    client.force_login(get_user_model().objects.get(username=username))
    failed, posted = {}, set()
    for page, attributes, body in _post_forms(client):
        action = _attribute(attributes, "action") or page
        if not action.startswith("/") or re.match(r"/(logout|i18n|login)/", action):
            continue
        shape = re.sub(r"\d+", "N", action)
        if shape in posted:
            continue
        posted.add(shape)
        values = _huge_values(body)
        values.pop("form_token", None)  # the second time meets what the first recorded, not its redirect
        for _attempt in (1, 2):
            answered = client.post(action, values)
            if answered.status_code >= 500:
                failed[action] = answered.status_code
    assert posted or username in ("auditor",), f"{username} was shown no form to post"
    assert not failed, f"{username}: forms answered 5xx to 20-digit values: {failed}"
