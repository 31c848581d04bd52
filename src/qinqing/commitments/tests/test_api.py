"""The commitments API: the enterprise lists its commitments and flags a breach (an appeal; Idempotency-Key
files it once), staff list, register and record progress, the public reads programmes and published
results, an enterprise applies (a restricted one refused citing article 21); errors name field and rule."""

import datetime
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from qinqing.appeals.models import Appeal
from qinqing.commitments import funds, services
from qinqing.commitments.models import BreachFlag, Commitment, FundApplication
from qinqing.core.roles import Role
from qinqing.directory.tests import factories as directory
from qinqing.integrity.tests.factories import make_listing

pytestmark = pytest.mark.django_db
D = datetime.date
API = "/api/v1/commitments"


@pytest.fixture
def world(make_user, workday_calendar, frozen_clock):
    frozen_clock("2026-09-22 10:00")
    bureau = directory.make_unit(name="区投资促进局")
    handler = make_user(Role.DEPARTMENT_HANDLER)
    directory.make_official(unit=bureau, name="杨帆", user=handler)
    leader = make_user(Role.SUPERVISING_LEADER)
    directory.make_official(unit=bureau, name="刘洋", position="局长", user=leader)
    other = make_user(Role.DEPARTMENT_HANDLER)
    directory.make_official(unit=directory.make_unit(name="区税务局"), name="周敏", user=other)
    firm = directory.make_enterprise(name="示范区恒通科技有限公司")
    firm_user = make_user(Role.ENTERPRISE_USER)
    directory.make_membership(user=firm_user, enterprise=firm)
    rival = directory.make_enterprise(name="示范区远航物流有限公司")
    rival_user = make_user(Role.ENTERPRISE_USER)
    directory.make_membership(user=rival_user, enterprise=rival)
    commitment = services.commitment_register(
        enterprise=firm, unit=bureau, kind="investment", title="落实用地指标", content="三个月内完成供地",
        made_on=D(2026, 9, 1), deadline=D(2026, 10, 12), actor=handler,
    )
    programme = funds.programme_create(
        unit=bureau, title="2026年科技创新专项资金", rules="按研发投入的10%补助。", budget="1000000",
        opens_on=D(2026, 9, 1), closes_on=D(2026, 9, 30), actor=handler,
    )
    return locals()


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _post(client, path, body, **headers):
    return client.post(API + path, data=json.dumps(body), content_type="application/json", headers=headers)


def test_enterprise_lists_its_commitments_and_flags_a_breach_once_with_an_idempotency_key(world):
    firm = _client(world["firm_user"])
    mine = firm.get(API + "/mine").json()
    assert [row["number"] for row in mine] == [world["commitment"].number]
    assert _client(world["rival_user"]).get(API + "/mine").json() == []
    path = f"/{world['commitment'].pk}/breach"
    first = _post(firm, path, {"text": "用地至今未落实"}, **{"Idempotency-Key": "breach-1"})
    assert first.status_code == 201, first.content
    again = _post(firm, path, {"text": "用地至今未落实"}, **{"Idempotency-Key": "breach-1"})
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert BreachFlag.objects.count() == 1 and Appeal.objects.count() == 1
    assert first.json()["appeal_tracking_number"] == Appeal.objects.get().tracking_number
    refused = _post(_client(world["rival_user"]), path, {"text": "x"})
    assert refused.status_code == 404  # another enterprise's commitment: as if it did not exist
    empty = _post(firm, path, {"text": ""})
    assert empty.status_code == 400 and empty.json()["field"] == "text"
    assert _client(world["handler"]).get(API + "/mine").status_code == 403  # enterprises only


def test_staff_list_register_and_record_progress_errors_name_the_field(world):
    handler = _client(world["handler"])
    assert [row["id"] for row in handler.get(API + "/").json()] == [world["commitment"].pk]
    assert _client(world["other"]).get(API + "/").json() == []
    body = {
        "enterprise_uscc": world["firm"].uscc,
        "kind": "policy",
        "title": "兑现人才补贴",
        "content": "按政策兑现",
        "made_on": "2026-09-20",
        "deadline": "2026-09-10",
    }
    bad = _post(handler, "/", body)
    assert bad.status_code == 400 and bad.json()["field"] == "deadline"
    body["deadline"] = "2026-12-31"
    made = _post(handler, "/", body)
    assert made.status_code == 201 and made.json()["number"].startswith("CN2026-")
    assert _post(handler, "/", {**body, "kind": "promise"}).json()["field"] == "kind"
    assert _post(handler, "/", {**body, "enterprise_uscc": "91330106MA2B000000"}).status_code == 404
    pk = made.json()["id"]
    services.commitment_start(commitment=Commitment.objects.get(pk=pk), actor=world["handler"])
    out_of_range = _post(handler, f"/{pk}/progress", {"text": "已完成一半", "progress": 150})
    assert out_of_range.status_code == 422 and out_of_range.json()["field"] == "progress"
    done = _post(handler, f"/{pk}/progress", {"text": "已完成一半", "progress": 50})
    assert done.status_code == 200 and done.json()["progress"] == 50
    assert _post(_client(world["other"]), f"/{pk}/progress", {"text": "x", "progress": 1}).status_code == 404
    assert _post(_client(world["firm_user"]), "/", body).status_code == 403  # not a registering body


def _pdf(password: str = "") -> bytes:
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    if password:
        writer.encrypt(password)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_public_reads_programmes_and_results_enterprise_applies_restricted_refused(
    world, frozen_clock, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    anonymous = _client()
    programmes = anonymous.get(API + "/funds/programmes")
    assert programmes.status_code == 200 and programmes.json()[0]["title"] == "2026年科技创新专项资金"
    assert anonymous.get(API + "/funds/results").json() == []
    assert anonymous.get(API + "/funds/applications").status_code == 401
    firm = _client(world["firm_user"])
    body = {"programme_id": world["programme"].pk, "amount": "300000", "description": "研发投入600万元"}
    made = _post(firm, "/funds/applications", body, **{"Idempotency-Key": "apply-1"})
    assert made.status_code == 201 and made.json()["eligibility_check"]
    assert _post(firm, "/funds/applications", body, **{"Idempotency-Key": "apply-1"}).status_code == 201
    assert FundApplication.objects.count() == 1
    assert _post(firm, "/funds/applications", body).json()["code"] == "duplicate"
    assert [row["id"] for row in firm.get(API + "/funds/applications").json()] == [made.json()["id"]]
    files_url = f"{API}/funds/applications/{made.json()['id']}/attachments"
    pdf = SimpleUploadedFile("审计报告.pdf", _pdf(), content_type="application/pdf")
    added = firm.post(files_url, {"files": [pdf]})
    assert added.status_code == 201 and added.json()[0]["name"] == "审计报告.pdf"
    locked = SimpleUploadedFile("加密.pdf", _pdf(password="x"), content_type="application/pdf")
    refused_file = firm.post(files_url, {"files": [locked]})
    assert refused_file.status_code == 400 and refused_file.json()["field"] == "attachments"
    assert firm.post(files_url).json()["code"] == "required"
    other_firm = _client(world["rival_user"]).post(files_url, {"files": [pdf]})
    assert other_firm.status_code == 404
    assert FundApplication.objects.get().attachments.count() == 1
    make_listing(enterprise=world["rival"], activities=("fiscal_subsidy",), kind="dishonest")
    refused = _post(_client(world["rival_user"]), "/funds/applications", body)
    assert refused.status_code == 400 and refused.json()["code"] == "restricted"
    assert refused.json()["field"] == "enterprise" and "第二十一条" in refused.json()["message"]
    closed = _post(firm, "/funds/applications", {**body, "programme_id": 999999})
    assert closed.status_code == 404 and closed.json()["field"] == "programme_id"
    application = FundApplication.objects.get()
    funds.review_score(application=application, score=80, actor=world["handler"])
    application = funds.decide(application=application, approve=True, amount="200000", actor=world["leader"])
    frozen_clock("2026-09-30 10:00")
    funds.results_publish(programme=world["programme"], actor=world["handler"])
    [result] = anonymous.get(API + "/funds/results").json()
    assert result["enterprise"] == "示范区恒通科技有限公司" and result["objections_until"] == "2026-10-13"
