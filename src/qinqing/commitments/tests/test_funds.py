"""Support funds (article 10): a round from application to published result with one objection; a
restricted applicant refused citing article 21; a conflicted reviewer stopped before the file; the
objection period in working days across a real holiday; payments never above the approval."""

import datetime
from decimal import Decimal

import pytest

from qinqing.commitments import funds
from qinqing.commitments.models import ApplicationStatus, FundApplication, FundPayment
from qinqing.conduct.services.gate import RecusalRequired
from qinqing.core import audit
from qinqing.core.errors import ConflictError, ServiceError
from qinqing.core.roles import Role
from qinqing.directory.models import LinkKind, Relationship
from qinqing.directory.tests import factories as directory
from qinqing.integrity.tests.factories import make_listing

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def world(make_user, workday_calendar, frozen_clock):
    frozen_clock("2026-09-22 10:00")
    bureau = directory.make_unit(name="区科技局")
    handler = make_user(Role.DEPARTMENT_HANDLER)
    directory.make_official(unit=bureau, name="杨帆", user=handler)
    leader = make_user(Role.SUPERVISING_LEADER)
    directory.make_official(unit=bureau, name="刘洋", position="局长", user=leader)
    reviewer = make_user(Role.DEPARTMENT_HANDLER)
    reviewer_official = directory.make_official(unit=bureau, name="张三", user=reviewer)
    firm = directory.make_enterprise(name="示范区恒通科技有限公司")
    firm_user = make_user(Role.ENTERPRISE_USER)
    directory.make_membership(user=firm_user, enterprise=firm)
    programme = funds.programme_create(
        unit=bureau,
        title="2026年科技创新专项资金",
        rules="研发投入500万元以上的企业，按投入的10%补助。",
        budget="1000000",
        opens_on=D(2026, 9, 1),
        closes_on=D(2026, 9, 30),
        objection_workdays=5,
        actor=handler,
    )
    return {
        "bureau": bureau,
        "handler": handler,
        "leader": leader,
        "reviewer": reviewer,
        "reviewer_official": reviewer_official,
        "firm": firm,
        "firm_user": firm_user,
        "programme": programme,
        "make_user": make_user,
    }


def test_round_from_application_to_result_with_one_objection(world, frozen_clock):
    application = funds.apply(
        programme=world["programme"],
        enterprise=world["firm"],
        amount="300000",
        description="研发投入600万元",
        actor=world["firm_user"],
    )
    assert application.eligibility_check
    assert funds.review_file(application=application, actor=world["reviewer"]) == application
    funds.review_score(application=application, score=86, comment="材料齐全", actor=world["reviewer"])
    application = funds.decide(application=application, approve=True, amount="250000", actor=world["leader"])
    assert application.status == ApplicationStatus.APPROVED
    # Results published on Wednesday 30 September 2026: 1–7 October are holidays (real schedule), so the
    # five working days are 8, 9, 10 (make-up Saturday), 12 and 13 October.
    frozen_clock("2026-09-30 10:00")
    programme = funds.results_publish(programme=world["programme"], actor=world["handler"])
    assert programme.objections_until == D(2026, 10, 13)
    frozen_clock("2026-10-13 16:00")
    objection = funds.objection_raise(
        application=application, text="评分偏低，请复核。", actor=world["firm_user"]
    )
    objection = funds.objection_answer(
        objection=objection, answer="经复核，维持原结果。", actor=world["handler"]
    )
    assert objection.answered_on == D(2026, 10, 13)
    frozen_clock("2026-10-14 09:00")
    with pytest.raises(ConflictError) as error:
        funds.objection_raise(application=application, text="再次异议", actor=world["firm_user"])
    assert error.value.code == "objection_period"
    funds.payment_record(
        application=application,
        amount="200000",
        paid_on=D(2026, 10, 14),
        reference="拨付1",
        actor=world["handler"],
    )
    with pytest.raises(ConflictError):
        funds.payment_record(
            application=application,
            amount="60000",
            paid_on=D(2026, 10, 14),
            reference="拨付2",
            actor=world["handler"],
        )
    assert FundPayment.objects.get().amount == Decimal("200000.00")
    assert audit.verify_chain().ok


def _project_programme(world):
    return funds.programme_create(
        unit=world["bureau"],
        support="project",
        title="区级重点技术改造项目扶持",
        rules="列入区级重点技术改造项目库的项目，按设备投资额的8%扶持。",
        budget="5000000",
        opens_on=D(2026, 9, 1),
        closes_on=D(2026, 10, 30),
        actor=world["handler"],
    )


def test_project_support_checks_the_restriction_on_public_resource_trading(world):
    """Article 20: priority "in funds and project support". A project programme asks integrity about the
    project purpose — article 21 (1), public resource trading — where a fund programme asks about fiscal
    subsidies (21 (2)); a firm restricted for one only is refused by that kind of programme only."""
    from qinqing.core.models import AuditEvent

    project = _project_programme(world)
    created = AuditEvent.objects.get(action="commitments.fundprogramme.create", object_id=str(project.pk))
    assert created.details == {"article": "20"}
    make_listing(enterprise=world["firm"], activities=("public_resource_trading",), kind="dishonest")
    with pytest.raises(ServiceError) as error:
        funds.apply(programme=project, enterprise=world["firm"], amount="800000",
                    description="技改设备投资一千万元", actor=world["firm_user"])
    assert error.value.code == "restricted" and error.value.field == "enterprise"
    from django.utils import translation

    with translation.override("zh-hans"):
        assert "公共资源交易" in error.value.text() and "第二十一条" in error.value.text()
    # the same firm may still apply for funding: it is not restricted from fiscal subsidies
    funding = funds.apply(programme=world["programme"], enterprise=world["firm"], amount="100000",
                          description="研发投入600万元", actor=world["firm_user"])
    submitted = AuditEvent.objects.get(action="commitments.fundapplication.submit", object_id=str(funding.pk))
    assert submitted.details["article"] == "10"
    assert not FundApplication.objects.filter(programme=project).exists()


def test_project_support_records_the_priority_for_projects(world):
    """A firm not restricted applies to a project programme: the eligibility check logged is the project
    purpose's, and the priority list's answer (grade A and not restricted) is recorded on the application."""
    from qinqing.integrity.models import EligibilityCheck

    project = _project_programme(world)
    row = funds.apply(programme=project, enterprise=world["firm"], amount="800000",
                      description="技改设备投资", actor=world["firm_user"])
    check = EligibilityCheck.objects.get(check_id=row.eligibility_check)
    assert check.purpose == "integrity.priority.project" and check.activity == "public_resource_trading"
    from django.test import Client
    from django.urls import reverse

    handler = Client()
    handler.force_login(world["handler"])
    page = handler.get(reverse("commitments:fund_application", args=[row.pk])).content.decode()
    assert '<dd data-testid="support">项目支持</dd>' in page and "第二十条" in page


def test_a_programme_must_say_what_it_supports(world):
    with pytest.raises(ServiceError) as error:
        funds.programme_create(
            unit=world["bureau"], support="honour", title="荣誉", rules="规则", budget="1",
            opens_on=D(2026, 9, 1), closes_on=D(2026, 9, 30), actor=world["handler"],
        )
    assert error.value.code == "invalid_choice" and error.value.field == "support"


def test_restricted_applicant_refused_citing_article_21(world):
    make_listing(enterprise=world["firm"], activities=("fiscal_subsidy",), kind="dishonest")
    with pytest.raises(ServiceError) as error:
        funds.apply(
            programme=world["programme"],
            enterprise=world["firm"],
            amount="100000",
            description="申请补助",
            actor=world["firm_user"],
        )
    assert error.value.code == "restricted" and error.value.field == "enterprise"
    from django.utils import translation

    with translation.override("en"):
        assert "article 21" in error.value.text()
    with translation.override("zh-hans"):
        assert "第二十一条" in error.value.text()
    assert not FundApplication.objects.exists()


def test_conflicted_reviewer_stopped_before_the_file(world):
    application = funds.apply(
        programme=world["programme"],
        enterprise=world["firm"],
        amount="100000",
        description="申请补助",
        actor=world["firm_user"],
    )
    spouse = directory.make_person(name="李四")
    directory.make_related_person(
        official=world["reviewer_official"], person=spouse, relationship=Relationship.SPOUSE
    )
    directory.make_link(
        person=spouse, enterprise=world["firm"], kind=LinkKind.SHAREHOLDER, share_percent="20"
    )
    with pytest.raises(RecusalRequired):
        funds.review_file(application=application, actor=world["reviewer"])
    with pytest.raises(RecusalRequired):
        funds.review_score(application=application, score=90, actor=world["reviewer"])
    assert not application.reviews.exists()


def test_budget_and_unreviewed_approval_refused(world):
    application = funds.apply(
        programme=world["programme"],
        enterprise=world["firm"],
        amount="999999",
        description="申请补助",
        actor=world["firm_user"],
    )
    with pytest.raises(ConflictError):
        funds.decide(application=application, approve=True, amount="100", actor=world["leader"])
    with pytest.raises(ServiceError) as error:
        funds.decide(application=application, approve=True, amount="2000000", actor=world["leader"])
    assert error.value.field == "amount"


def test_public_portal_shows_results_only_once_published(world, frozen_clock):
    import io
    import xml.etree.ElementTree as ET

    from django.test import Client
    from django.urls import reverse
    from openpyxl import load_workbook

    application = funds.apply(
        programme=world["programme"],
        enterprise=world["firm"],
        amount="300000",
        description="研发投入600万元",
        actor=world["firm_user"],
    )
    funds.review_score(application=application, score=80, actor=world["reviewer"])
    funds.decide(application=application, approve=True, amount="123456", actor=world["leader"])
    anonymous = Client()
    page = anonymous.get(reverse("commitments:funds_public")).content.decode()
    assert "2026年科技创新专项资金" in page and "123456" not in page  # approved, not yet published
    frozen_clock("2026-09-30 10:00")
    funds.results_publish(programme=world["programme"], actor=world["handler"])
    page = anonymous.get(reverse("commitments:funds_public")).content.decode()
    assert "123456" in page and "2026-10-13" in page
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        feed = anonymous.get(reverse("commitments:funds_public_feed"))
    # programmes and their results in one query each, however many programmes (no query per programme)
    assert sum("commitments_fundapplication" in q["sql"] for q in captured.captured_queries) == 1
    root = ET.fromstring(feed.content)  # noqa: S314 (our own feed)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    assert len(root.findall("a:entry", ns)) == 2
    for entry in root.findall("a:entry", ns):  # RFC 4287: every entry has its id, title and updated
        assert all(entry.find(f"a:{name}", ns) is not None for name in ("id", "title", "updated"))
    download = anonymous.get(reverse("commitments:funds_public_xlsx"))
    sheet = load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    assert [row[1:4] for row in sheet.iter_rows(min_row=2, values_only=True)] == [
        ("资金支持", "区科技局", "示范区恒通科技有限公司")
    ]


def test_enterprise_applies_and_objects_on_its_page(world, frozen_clock):
    from django.test import Client
    from django.urls import reverse

    client = Client()
    client.force_login(world["firm_user"])
    assert "2026年科技创新专项资金" in client.get(reverse("commitments:funds_mine")).content.decode()
    act = reverse("commitments:funds_act")
    response = client.post(
        act,
        {
            "step": "apply",
            "programme": world["programme"].pk,
            "enterprise": world["firm"].pk,
            "amount": "abc",
            "description": "x",
        },
    )
    assert response.status_code == 400
    response = client.post(
        act,
        {
            "step": "apply",
            "programme": world["programme"].pk,
            "enterprise": world["firm"].pk,
            "amount": "50000",
            "description": "研发投入",
        },
    )
    assert response.status_code == 302
    application = FundApplication.objects.get()
    other = world["make_user"](Role.ENTERPRISE_USER)
    directory.make_membership(user=other, enterprise=directory.make_enterprise(name="示范区远航物流有限公司"))
    stranger = Client()
    stranger.force_login(other)
    assert (
        stranger.post(act, {"step": "object", "application": application.pk, "text": "x"}).status_code == 404
    )
    funds.review_score(application=application, score=70, actor=world["reviewer"])
    funds.decide(application=application, approve=False, reason="研发投入不足", actor=world["leader"])
    frozen_clock("2026-09-30 10:00")
    funds.results_publish(programme=world["programme"], actor=world["handler"])
    client.force_login(world["firm_user"])  # the session of eight days ago has expired
    response = client.post(act, {"step": "object", "application": application.pk, "text": "投入已达标"})
    assert response.status_code == 302 and application.objections.get().text == "投入已达标"


def test_restricted_enterprise_refused_on_the_page(world):
    from django.test import Client
    from django.urls import reverse

    make_listing(enterprise=world["firm"], activities=("fiscal_subsidy",), kind="dishonest")
    client = Client()
    client.force_login(world["firm_user"])
    response = client.post(
        reverse("commitments:funds_act"),
        {
            "step": "apply",
            "programme": world["programme"].pk,
            "enterprise": world["firm"].pk,
            "amount": "50000",
            "description": "研发投入",
        },
    )
    assert response.status_code == 400 and "第二十一条" in response.content.decode()


def test_staff_pages_conflicted_reviewer_stopped_and_round(world, frozen_clock):
    from django.test import Client
    from django.urls import reverse

    application = funds.apply(
        programme=world["programme"],
        enterprise=world["firm"],
        amount="100000",
        description="研发投入六百万元的证明",
        actor=world["firm_user"],
    )
    spouse = directory.make_person(name="李四")
    directory.make_related_person(
        official=world["reviewer_official"], person=spouse, relationship=Relationship.SPOUSE
    )
    directory.make_link(
        person=spouse, enterprise=world["firm"], kind=LinkKind.SHAREHOLDER, share_percent="20"
    )
    url = reverse("commitments:fund_application", args=[application.pk])
    conflicted = Client()
    conflicted.force_login(world["reviewer"])
    response = conflicted.get(url)
    assert response.status_code == 409 and "研发投入六百万元的证明" not in response.content.decode()
    act = reverse("commitments:fund_application_act", args=[application.pk])
    assert conflicted.post(act, {"step": "score", "score": "90"}).status_code == 409
    handler = Client()
    handler.force_login(world["handler"])
    assert "研发投入六百万元的证明" in handler.get(url).content.decode()
    assert handler.post(act, {"step": "score", "score": "88"}).status_code == 302
    leader = Client()
    leader.force_login(world["leader"])
    assert leader.post(act, {"step": "approve", "amount": "80000"}).status_code == 302
    assert FundApplication.objects.get().status == ApplicationStatus.APPROVED
    frozen_clock("2026-09-30 10:00")
    handler.force_login(world["handler"])
    response = handler.post(
        reverse("commitments:funds_staff_act"), {"step": "publish", "programme": world["programme"].pk}
    )
    assert response.status_code == 302
    assert "2026-10-13" in handler.get(reverse("commitments:funds_staff")).content.decode()


def test_the_staff_page_creates_a_project_programme_and_names_the_field_it_refuses(world, client):
    """The programme form says what the programme supports (preselected: funding); a project programme is
    shown as such to staff, enterprises and the public; a kind that is neither is a 400 naming the field."""
    from django.urls import reverse

    from qinqing.commitments.models import FundProgramme, Support

    client.force_login(world["handler"])
    page = client.get(reverse("commitments:funds_staff")).content.decode()
    assert 'name="support"' in page and '<option value="funds">资金支持</option>' in page
    form = {
        "step": "create", "title": "区级重点技术改造项目扶持", "rules": "按设备投资额的8%扶持。",
        "budget": "5000000", "opens_on": "2026-09-22", "closes_on": "2026-10-30", "objection_workdays": "5",
    }
    refused = client.post(reverse("commitments:funds_staff_act"), {**form, "support": "honour"})
    assert refused.status_code == 400 and "请选择支持类型" in refused.content.decode()
    created = client.post(reverse("commitments:funds_staff_act"), {**form, "support": "project"})
    assert created.status_code == 302
    project = FundProgramme.objects.get(title="区级重点技术改造项目扶持")
    assert project.support == Support.PROJECT
    assert "项目支持；区科技局" in client.get(reverse("commitments:funds_staff")).content.decode()
    client.force_login(world["firm_user"])
    assert "项目支持；" in client.get(reverse("commitments:funds_mine")).content.decode()
    client.logout()
    public = client.get(reverse("commitments:funds_public")).content.decode()
    assert "<dd>项目支持</dd>" in public
    api = client.get("/api/v1/commitments/funds/programmes").json()
    assert {row["title"]: row["support"] for row in api}["区级重点技术改造项目扶持"] == "project"


def test_a_refused_application_comes_back_as_typed_with_its_error_beside_the_field(world):
    """The application form lost everything typed (the enterprise chosen, the amount, a long application
    text) when one field was refused: the page was drawn again with empty forms."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client
    from django.urls import reverse

    second = directory.make_enterprise(name="示范区远航物流有限公司")
    directory.make_membership(user=world["firm_user"], enterprise=second)
    client = Client()
    client.force_login(world["firm_user"])
    long_text = "研发投入达标，申请补助。" * 250  # 3,000 characters
    response = client.post(
        reverse("commitments:funds_act"),
        {
            "step": "apply",
            "programme": world["programme"].pk,
            "enterprise": second.pk,
            "amount": "-5",
            "description": long_text,
            "attachments": SimpleUploadedFile("预算.txt", "预算明细".encode(), content_type="text/plain"),
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    start = page.index('data-testid="apply-form"')
    form = page[start:page.index("</form>", start)]
    assert f'<option value="{second.pk}" selected>' in form
    assert 'value="-5"' in form and long_text in form
    assert 'data-testid="error-amount"' in form  # beside the field
    assert 'data-testid="form-error"' in page  # and at the top
    assert 'data-testid="files-again"' in form
    assert not FundApplication.objects.exists()
