"""The policy library of every level (article 4): several documents current at once, .txt and .docx
through the same parser, Chinese full-text search, supporting measures tracked to completion, and the
publicity and integrity-education record (article 19)."""

import datetime
import io
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from qinqing.core.errors import ConflictError, PermissionDeniedError, ServiceError
from qinqing.core.models import AuditEvent
from qinqing.core.roles import Role
from qinqing.directory.tests import factories as directory
from qinqing.policy import selectors, services
from qinqing.policy.interpretations.library import interpretation_create, interpretation_publish
from qinqing.policy.models import DISTRICT_SERIES, ActivityKind, Level, MeasureStatus, PolicyDocument

pytestmark = pytest.mark.django_db

NATIONAL = """中共中央 国务院关于促进民营经济发展壮大的意见
第一章 总则
第一条 民营经济是推进中国式现代化的生力军。
第二条 完善融资支持政策制度，健全中小微企业融资担保体系。
第二章 保障
第三条 依法保护民营企业产权和企业家权益。
"""
PROVINCIAL = [
    "某省优化营商环境条例",
    "第一条 为了持续优化营商环境，制定本条例。",
    "第二条 各级人民政府应当建立政企沟通机制，听取市场主体意见。",
]


def _run(*args) -> str:
    out = StringIO()
    call_command("policy", *args, stdout=out)
    return out.getvalue()


def _docx(lines) -> bytes:
    import docx

    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def library(db, tmp_path):
    call_command("policy", "import", "--seed", verbosity=0)
    national = tmp_path / "national.txt"
    national.write_text(NATIONAL, encoding="utf-8")
    out = _run(
        "import",
        str(national),
        "--level",
        "national",
        "--issuer",
        "中共中央、国务院",
        "--issued-on",
        "2025-02-01",
        "--valid-from",
        "2025-02-01",
    )
    assert "imported as version 1" in out
    provincial = tmp_path / "provincial.docx"
    provincial.write_bytes(_docx(PROVINCIAL))
    assert "imported as version 1" in _run("import", str(provincial), "--level", "provincial")
    return tmp_path


def test_several_documents_are_current_at_once_and_the_district_measures_stay_the_cited_policy(library):
    current = list(selectors.library())
    assert [d.level for d in current] == [Level.NATIONAL, Level.PROVINCIAL, Level.DISTRICT]
    national = current[0]
    assert national.issuing_body == "中共中央、国务院" and national.issued_on == datetime.date(2025, 2, 1)
    assert national.articles.count() == 3 and current[1].articles.count() == 2
    district = selectors.current_policy()
    assert district.series == DISTRICT_SERIES and selectors.article("1").document == district

    changed = library / "national-v2.txt"
    changed.write_text(NATIONAL + "第四条 本意见自印发之日起施行。\n", encoding="utf-8")
    assert "imported as version 2" in _run("import", str(changed), "--level", "national")
    national.refresh_from_db()
    assert not national.is_current
    assert PolicyDocument.objects.filter(is_current=True).count() == 3
    assert selectors.current_policy() == district  # another series moved, not the district's


def test_a_word_inside_a_policy_text_finds_it(library):
    results = selectors.search("融资担保")
    assert [row["document"].level for row in results] == [Level.NATIONAL]
    assert [a.key for a in results[0]["articles"]] == ["2"]
    # a phrase that is not in the text as such: every word of it is
    assert selectors.search("中小微企业的融资担保体系")[0]["document"].level == Level.NATIONAL
    assert selectors.search("政企沟通")[0]["document"].level == Level.PROVINCIAL
    assert selectors.search("区块链融资担保") == []  # not every word is there
    page = Client().get(reverse("policy:library"), {"q": "融资担保"})
    assert (
        page.status_code == 200 and "中共中央 国务院关于促进民营经济发展壮大的意见" in page.content.decode()
    )
    document = results[0]["document"]
    text = Client().get(reverse("policy:document", kwargs={"pk": document.pk})).content.decode()
    assert "健全中小微企业融资担保体系" in text


def test_an_editor_imports_a_docx_from_the_page(library, make_user):
    handler = make_user(Role.DEPARTMENT_HANDLER)
    client = Client()
    client.force_login(handler)
    upload = SimpleUploadedFile(
        "municipal.docx", _docx(["某市支持民营企业若干措施", "第一条 设立民营企业纾困基金。"])
    )
    response = client.post(
        reverse("policy:library_import"),
        {"file": upload, "level": "municipal", "issuing_body": "某市人民政府"},
    )
    assert response.status_code == 302
    assert PolicyDocument.objects.get(level=Level.MUNICIPAL, is_current=True).issuing_body == "某市人民政府"
    bad = SimpleUploadedFile("notes.pdf", b"%PDF-1.4")
    response = client.post(reverse("policy:library_import"), {"file": bad, "level": "municipal"})
    assert response.status_code == 400 and ".docx" in response.content.decode()
    enterprise = Client()
    enterprise.force_login(make_user(Role.ENTERPRISE_USER))
    assert enterprise.get(reverse("policy:library_import")).status_code == 403


def test_supporting_measures_are_tracked_to_completion(library, make_user):
    handler = make_user(Role.DEPARTMENT_HANDLER)
    district = selectors.current_policy()
    unit = directory.make_unit(name="区发展和改革局")
    measure = services.measure_create(
        document=district,
        title="制定民营企业融资担保奖补细则",
        unit=unit,
        article_keys="4, 15.7",
        due_on=datetime.date.today(),
        actor=handler,
    )
    assert measure.article_keys == "4 15.7"
    with pytest.raises(PermissionDeniedError):
        services.measure_create(
            document=district, title="x", due_on=datetime.date.today(), actor=make_user(Role.ENTERPRISE_USER)
        )
    measure = services.measure_start(measure=measure, actor=handler)
    assert measure.status == MeasureStatus.IN_PROGRESS
    with pytest.raises(ServiceError) as missing:
        services.measure_complete(measure=measure, result="", actor=handler)
    assert missing.value.field == "result"
    measure = services.measure_complete(measure=measure, result="细则已印发", actor=handler)
    assert measure.status == MeasureStatus.DONE and measure.completed_on is not None
    with pytest.raises(ConflictError):
        services.measure_start(measure=measure, actor=handler)
    assert AuditEvent.objects.get(action="policy.measure.complete").details["article"] == "4"


def test_education_activities_and_an_enterprises_integrity_culture_work(db, make_user):
    federation = make_user(Role.FEDERATION_STAFF)
    enterprise = directory.make_enterprise(name="示范区恒通科技有限公司")
    today = datetime.date.today()
    services.activity_record(
        kind=ActivityKind.EDUCATION,
        held_on=today,
        title="亲清政商关系廉洁教育",
        audience="区直部门干部",
        content="观看警示教育片",
        attendance=120,
        actor=federation,
    )
    with pytest.raises(ServiceError) as who:
        services.activity_record(
            kind=ActivityKind.ENTERPRISE_CULTURE,
            held_on=today,
            title="廉洁文化月",
            audience="全体员工",
            content="签订廉洁承诺",
            attendance=80,
            actor=federation,
        )
    assert who.value.field == "enterprise"
    with pytest.raises(ServiceError) as future:
        services.activity_record(
            kind=ActivityKind.PUBLICITY,
            held_on=today + datetime.timedelta(days=3),
            title="x",
            audience="y",
            content="z",
            attendance=1,
            actor=federation,
        )
    assert future.value.field == "held_on"
    client = Client()
    client.force_login(federation)
    response = client.post(
        reverse("policy:education"),
        {
            "kind": "enterprise_culture",
            "held_on": today.isoformat(),
            "title": "廉洁文化月",
            "audience": "全体员工",
            "content": "签订廉洁承诺",
            "attendance": "80",
            "enterprise": enterprise.uscc,  # staff name it by its credit code (no list of every enterprise)
        },
    )
    assert response.status_code == 302
    page = client.get(reverse("policy:education")).content.decode()
    assert "亲清政商关系廉洁教育" in page and "示范区恒通科技有限公司" in page
    assert (
        client.post(reverse("policy:education"), {"kind": "publicity", "attendance": "-1"}).status_code == 400
    )


def test_an_article_page_shows_the_interpretations_that_explain_it(library, make_user):
    editor = make_user(Role.ADMINISTRATOR)
    row = interpretation_create(
        question="民营企业如何申请融资担保？", answer="向区融资担保公司申请。", article_keys="4", actor=editor
    )
    interpretation_publish(interpretation=row, published=True, actor=editor)
    page = Client().get(reverse("policy:article", kwargs={"key": "4"})).content.decode()
    assert "民营企业如何申请融资担保？" in page
    assert (
        "民营企业如何申请融资担保？"
        not in Client().get(reverse("policy:article", kwargs={"key": "5"})).content.decode()
    )


def test_the_demo_has_measures_in_every_state_and_activities(workday_calendar, settings):
    from qinqing.core.demo import create_demo_accounts
    from qinqing.directory.demo import generate_demo
    from qinqing.policy.models import EducationActivity, SupportingMeasure

    settings.DEMO = True
    create_demo_accounts()
    call_command("policy", "import", "--seed", verbosity=0)
    generate_demo(scale=8, seed=7)
    call_command("policy_demo", stdout=StringIO())
    assert sorted(SupportingMeasure.objects.values_list("status", flat=True)) == [
        "done",
        "in_progress",
        "planned",
    ]
    assert (
        EducationActivity.objects.filter(
            kind=ActivityKind.ENTERPRISE_CULTURE, enterprise__isnull=False
        ).count()
        == 1
    )
    call_command("policy_demo", stdout=StringIO())
    assert SupportingMeasure.objects.count() == 3 and EducationActivity.objects.count() == 3


def test_an_enterprise_account_records_and_reads_its_own_integrity_culture_work_only(db, make_user):
    own, other = (
        directory.make_enterprise(name="示范区恒通科技有限公司"),
        directory.make_enterprise(name="别家公司"),
    )
    account = make_user(Role.ENTERPRISE_USER)
    directory.make_membership(user=account, enterprise=own)
    today = datetime.date.today()
    services.activity_record(
        kind=ActivityKind.ENTERPRISE_CULTURE,
        held_on=today,
        title="别家廉洁月",
        audience="员工",
        content="x",
        attendance=5,
        enterprise=other,
        actor=make_user(Role.FEDERATION_STAFF),
    )
    with pytest.raises(PermissionDeniedError):
        services.activity_record(
            kind=ActivityKind.ENTERPRISE_CULTURE,
            held_on=today,
            title="t",
            audience="a",
            content="c",
            attendance=1,
            enterprise=other,
            actor=account,
        )
    with pytest.raises(PermissionDeniedError):
        services.activity_record(
            kind=ActivityKind.EDUCATION,
            held_on=today,
            title="t",
            audience="a",
            content="c",
            attendance=1,
            enterprise=own,
            actor=account,
        )
    client = Client()
    client.force_login(account)
    response = client.post(
        reverse("policy:education"),
        {
            "kind": "enterprise_culture",
            "held_on": today.isoformat(),
            "title": "廉洁文化进车间",
            "audience": "一线员工",
            "content": "张贴廉洁公约",
            "attendance": "45",
            "enterprise": own.pk,
        },
    )
    assert response.status_code == 302
    page = client.get(reverse("policy:education")).content.decode()
    assert "廉洁文化进车间" in page and "别家廉洁月" not in page
    refused = client.post(
        reverse("policy:education"),
        {
            "kind": "enterprise_culture",
            "held_on": today.isoformat(),
            "title": "x",
            "audience": "y",
            "content": "z",
            "attendance": "1",
            "enterprise": other.pk,
        },
    )
    assert refused.status_code == 400  # not a choice the form offers
