"""The public portal (issue 14, core.portal): every section an app publishes is reachable from one
index with an Atom feed and an .xlsx download, and nothing unpublished is reachable by a visitor who is
not signed in — not in the list, the search, the feed or the download, nor by its id.

For each section a published item (title marked 公开样本) and the unpublished ones its app knows
(drafts, internal or enterprises-only scope, results not yet published, a person's blacklist entry;
titles marked 未公开样本) are made; every view of the section is then read as the public reads it.
"""

from __future__ import annotations

import datetime
import io
import time
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from qinqing.core import portal
from qinqing.core.roles import Role
from qinqing.directory.tests import factories as directory

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SHOWN, HIDDEN = "公开样本", "未公开样本"
D = datetime.date
SECTIONS = ("policy", "interpretations", "responsibility_lists", "consultation_feedback", "commitments",
            "funds", "typical_cases", "blacklist", "clearings")


def _now():
    return timezone.now()


# --- one published and some unpublished items per section --------------------------------------------------
def _interpretations(world):
    from qinqing.policy.models import PolicyInterpretation

    def make(question, published):
        return PolicyInterpretation.objects.create(
            question=question, answer="答复内容", article_keys="8", is_published=published,
            published_at=_now() if published else None, created_at=_now(), updated_at=_now())

    return make(f"{SHOWN}：社保缓缴如何申请", True), [make(f"{HIDDEN}：草稿解读", False)]


def _responsibility_lists(world):
    from qinqing.liaison.models import Leader, ResponsibilityList

    official = directory.make_official(unit=world["unit"], name="刘洋", position="副区长")
    leader = Leader.objects.create(official=official, added_at=_now())

    def make(title, status, scope):
        return ResponsibilityList.objects.create(
            leader=leader, year=2026, title=title, content="联系重点企业", scope=scope, status=status,
            published_at=_now() if status == "published" else None, created_at=_now())

    return make(f"{SHOWN}责任清单", "published", "public"), [
        make(f"{HIDDEN}草稿清单", "draft", "public"),
        make(f"{HIDDEN}内部清单", "published", "internal"),
        make(f"{HIDDEN}企业清单", "published", "enterprises"),
    ]


def _consultation_feedback(world):
    from qinqing.liaison.models import Decision

    def make(title, published):
        return Decision.objects.create(
            title=title, summary="涉企决策", status="draft", created_by=world["staff"], created_at=_now(),
            feedback="意见采纳情况" if published else "", feedback_published_at=_now() if published else None)

    return make(f"{SHOWN}决策反馈", True), [make(f"{HIDDEN}决策", False)]


def _commitments(world):
    from qinqing.commitments import services

    def make(title, scope):
        return services.commitment_register(
            enterprise=world["enterprise"], unit=world["unit"], kind="investment", title=title,
            content="三个月内完成项目用地供应", made_on=D(2026, 9, 1), deadline=D(2026, 10, 12), scope=scope,
            actor=world["handler"])

    return make(f"{SHOWN}承诺", "public"), [make(f"{HIDDEN}内部承诺", "internal"),
                                           make(f"{HIDDEN}企业承诺", "enterprises")]


def _funds(world):
    from qinqing.commitments.models import FundApplication, FundProgramme

    def programme(title, status):
        return FundProgramme.objects.create(
            title=title, rules="扶持规则", budget=Decimal("100000"), opens_on=D(2026, 8, 1),
            closes_on=D(2026, 8, 31), unit=world["unit"], status=status, created_at=_now(),
            published_on=D(2026, 9, 10) if status == "published" else None,
            objections_until=D(2026, 9, 17) if status == "published" else None)

    def application(programme, enterprise):
        return FundApplication.objects.create(
            programme=programme, enterprise=enterprise, amount=Decimal("5000"), description="申请",
            eligibility_check="x", status="approved", approved_amount=Decimal("5000"),
            submitted_by=world["staff"], created_at=_now())

    shown = programme(f"{SHOWN}扶持资金", "published")
    application(shown, directory.make_enterprise(name=f"{SHOWN}获批企业有限公司"))
    # Programmes are public from their creation (rules, budget, dates); their results only once published.
    under_review = programme("评审中的扶持资金", "review")
    application(under_review, directory.make_enterprise(name=f"{HIDDEN}待公示企业有限公司"))
    return shown, []


def _typical_cases(world):
    from qinqing.supervision.models import TypicalCase

    def make(title, status):
        return TypicalCase.objects.create(
            title=title, body="某单位工作人员吃拿卡要", behaviours=[], status=status,
            drafted_by=world["staff"],
            published_on=D(2026, 9, 10) if status == "published" else None)

    return make(f"{SHOWN}典型案例", "published"), [make(f"{HIDDEN}案例草稿", "draft")]


def _blacklist(world):
    from qinqing.integrity.models import Listing, Restriction

    def make(number, name, publication, **party):
        listing = Listing.objects.create(
            number=number, name=name, kind="dishonest", grounds="失信", decided_on=D(2026, 9, 1),
            objection_until=D(2026, 9, 8), repair_from=D(2027, 9, 1), publication=publication, **party)
        Restriction.objects.create(listing=listing, activity="procurement", start=D(2026, 9, 1),
                                   end=D(2027, 8, 31))
        return listing

    return make("黑名单〔2026〕1号", f"{SHOWN}失信企业有限公司", "public", uscc="91330106MA2B000001"), [
        make("黑名单〔2026〕2号", f"{HIDDEN}部门范围企业", "authorities", uscc="91330106MA2B000002"),
        make("黑名单〔2026〕3号", f"{HIDDEN}未发布企业", "not_published", uscc="91330106MA2B000003"),
        make("黑名单〔2026〕4号", f"{HIDDEN}自然人", "public", id_index="x" * 64),
    ]


def _clearings(world):
    from qinqing.tolerance import services
    from qinqing.tolerance.models import ToleranceRequest

    def make(name, published):
        user = world["make_user"](Role.OFFICIAL)
        official = directory.make_official(unit=world["unit"], name=name, position="科长", user=user)
        row = services.request_submit(actor=user, official=official, submitter="official", matter="试点改革",
                                      facts="简化了一项程序", evidence="会议纪要")
        if published:  # as request_publish_clearing leaves it, without walking the four steps here
            ToleranceRequest.objects.filter(pk=row.pk).update(
                clearing_text=f"{SHOWN}澄清正名", clearing_published_on=D(2026, 9, 10))
        return row

    return make(f"{SHOWN}李明", True), [make(f"{HIDDEN}王芳", False)]


def _policy(world):
    from io import StringIO

    from django.core.management import call_command

    from qinqing.policy.models import PolicyDocument

    call_command("policy", "import", "--seed", verbosity=0, stdout=StringIO())
    return PolicyDocument.objects.filter(is_current=True).first(), []  # every library document is public


BUILDERS = {name: globals()[f"_{name}"] for name in SECTIONS}


@pytest.fixture
def world(make_user, workday_calendar, frozen_clock):
    frozen_clock("2026-09-14 10:00")
    unit = directory.make_unit(name="区投资促进局")
    handler = make_user(Role.DEPARTMENT_HANDLER)
    directory.make_official(unit=unit, name="杨帆", user=handler)
    return {"unit": unit, "handler": handler, "staff": make_user(Role.ADMINISTRATOR), "make_user": make_user,
            "enterprise": directory.make_enterprise(name="示范区恒通科技有限公司")}


@pytest.fixture
def public():
    return Client()


def _feed(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)  # noqa: S314 (our own feed; raises on XML not well-formed)
    assert root.tag == f"{ATOM}feed"
    for element in ("id", "title", "updated"):
        assert root.find(f"{ATOM}{element}") is not None and root.find(f"{ATOM}{element}").text, element
    assert root.find(f"{ATOM}link") is not None
    entries = root.findall(f"{ATOM}entry")
    for entry in entries:
        for element in ("id", "title", "updated"):
            assert entry.find(f"{ATOM}{element}") is not None and entry.find(f"{ATOM}{element}").text, element
        assert entry.find(f"{ATOM}link").get("href", "").startswith("http")
    return response.content.decode(), entries


def _xlsx(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    return "\n".join(str(cell) for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row)


def _detail_urls(section, pk) -> list[str]:
    urls = [reverse("core:portal_item", kwargs={"key": section.key, "pk": pk})]
    if section.detail_url_name:
        urls.append(reverse(section.detail_url_name, args=[pk]))
    return urls


@pytest.mark.parametrize("key", SECTIONS)
def test_a_section_shows_the_published_and_nothing_else_by_list_search_feed_download_or_id(
    world, public, key
):
    shown, hidden = BUILDERS[key](world)
    section = portal.section(key)
    assert section is not None, f"{key} is not declared in its app's portal.py"

    page = public.get(section.url())
    assert page.status_code == 200
    body = page.content.decode()
    assert HIDDEN not in body
    if key != "policy":
        assert SHOWN in body

    index = public.get(reverse("core:portal")).content.decode()
    assert f'data-testid="portal-section-{key}"' in index and HIDDEN not in index
    assert section.feed_url() in index and section.xlsx_url() in index

    found = public.get(reverse("core:portal_search"), {"q": HIDDEN}).content.decode()
    assert 'data-testid="portal-result-' not in found and 'data-testid="portal-no-results"' in found
    if key != "policy":
        found = public.get(reverse("core:portal_search"), {"q": SHOWN}).content.decode()
        assert f'data-testid="portal-result-{key}"' in found

    text, entries = _feed(public, section.feed_url())
    assert entries and HIDDEN not in text
    if key != "policy":
        assert SHOWN in text

    sheet = _xlsx(public, section.xlsx_url())
    assert HIDDEN not in sheet
    if key != "policy":
        assert SHOWN in sheet

    for row in hidden:  # by id, guessed: 404 on the portal's detail page and on the app's own
        for url in _detail_urls(section, row.pk):
            assert public.get(url).status_code == 404, url
    if section.has_portal_detail() or section.detail_url_name:
        url = _detail_urls(section, shown.pk)[-1]
        response = public.get(url)
        assert response.status_code == 200, url
        assert HIDDEN not in response.content.decode()


def test_every_section_the_issue_names_is_declared_with_a_feed_and_a_download():
    keys = {section.key for section in portal.sections()}
    assert set(SECTIONS) <= keys
    for section in portal.sections():
        assert section.feed_url() and section.xlsx_url(), section.key
    services = {service.key for service in portal.services()}
    expected = {"mailbox", "appeal_status", "report", "report_status", "verify_letter", "bribery_verify"}
    assert expected <= services


def test_the_portal_answers_404_for_an_unknown_section_and_for_a_feed_a_section_serves_itself(public):
    assert public.get(reverse("core:portal_feed", kwargs={"key": "nosuch"})).status_code == 404
    assert public.get(reverse("core:portal_xlsx", kwargs={"key": "nosuch"})).status_code == 404
    assert public.get(reverse("core:portal_item", kwargs={"key": "nosuch", "pk": 1})).status_code == 404
    # commitments serve their own feed and download: the portal's copies do not exist
    assert public.get(reverse("core:portal_feed", kwargs={"key": "commitments"})).status_code == 404
    assert public.get(reverse("core:portal_xlsx", kwargs={"key": "commitments"})).status_code == 404


def test_a_search_too_long_is_refused_naming_the_rule(public):
    response = public.get(reverse("core:portal_search"), {"q": "企" * 101})
    assert response.status_code == 400
    assert "100" in response.content.decode()


def test_visitors_see_the_portal_navigation_on_public_pages_and_signed_in_users_their_menus(world, public):
    body = public.get(reverse("policy:library")).content.decode()
    assert 'data-testid="portal-nav"' in body
    for key in ("typical_cases", "blacklist", "mailbox", "report", "verify_letter"):
        assert f'data-testid="portal-nav-{key}"' in body
    signed_in = Client()
    signed_in.force_login(world["handler"])
    assert 'data-testid="portal-nav"' not in signed_in.get(reverse("policy:library")).content.decode()


def test_the_feed_follows_the_language_switch(world, public):
    _typical_cases(world)
    url = reverse("core:portal_feed", kwargs={"key": "typical_cases"})
    chinese = ET.fromstring(public.get(url).content)  # noqa: S314 (our own feed)
    public.post(reverse("set_language"), {"language": "en", "next": "/"})
    english = ET.fromstring(public.get(url).content)  # noqa: S314 (our own feed)
    assert chinese.find(f"{ATOM}title").text != english.find(f"{ATOM}title").text
    assert english.find(f"{ATOM}title").text == "Typical cases exposed"
    index = public.get(reverse("core:portal")).content.decode().replace("&#x27;", "'")
    for title in ("Public portal", "Typical cases exposed", "Leaders' responsibility lists"):
        assert title in index, title


def test_the_portal_index_is_a_fixed_number_of_queries_and_fast(world, public):
    for key in SECTIONS:
        BUILDERS[key](world)
    for _ in range(20):  # more items than the index shows: the count must not grow with them
        _typical_cases(world)
        _blacklist_more(world)
    public.get(reverse("core:portal"))  # warm (templates, the registry)
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = public.get(reverse("core:portal"))
        elapsed = time.perf_counter() - started
    assert response.status_code == 200
    # one query per section, the blacklist's restrictions prefetched, the session and language: no N+1
    assert len(queries) <= len(SECTIONS) + 6, [q["sql"] for q in queries]
    assert elapsed < 1.0, elapsed


_MORE = iter(range(100, 10_000))


def _blacklist_more(world):
    from qinqing.integrity.models import Listing, Restriction

    number = next(_MORE)
    listing = Listing.objects.create(
        number=f"黑名单〔2026〕{number}号", name=f"企业{number}", kind="dishonest", grounds="失信",
        decided_on=D(2026, 9, 2), objection_until=D(2026, 9, 9), repair_from=D(2027, 9, 1),
        publication="public", uscc=f"91330106MA2B{number:06d}")
    Restriction.objects.create(listing=listing, activity="procurement", start=D(2026, 9, 1),
                               end=D(2027, 8, 31))


def test_the_portal_pages_read_as_chinese(world, public):
    from qinqing.core import zh_text

    for key in SECTIONS:
        BUILDERS[key](world)
    urls = [reverse("core:portal"), reverse("core:portal") + "search/?q=" + SHOWN]
    for key in ("interpretations", "consultation_feedback", "typical_cases", "blacklist"):
        section = portal.section(key)
        urls.append(_detail_urls(section, section.published()[0].pk)[0])
    for url in urls:
        response = public.get(url)
        assert response.status_code == 200, url
        assert not zh_text.page_problems(response.content.decode()), (url, zh_text.page_problems(
            response.content.decode()))


def test_a_sections_own_list_page_offers_its_feed_and_download(world, public):
    _typical_cases(world)
    body = public.get(reverse("supervision:public_cases")).content.decode()
    feed = reverse("core:portal_feed", kwargs={"key": "typical_cases"})
    assert 'rel="alternate" type="application/atom+xml"' in body and f'href="{feed}"' in body
    assert 'data-testid="portal-here-feed"' in body and 'data-testid="portal-here-xlsx"' in body
    # the commitments' page shows its own links; the portal adds none
    body = public.get(reverse("commitments:public")).content.decode()
    assert 'data-testid="portal-here' not in body and 'rel="alternate"' not in body
