"""Factories for appeals tests (other apps' tests may use them too). Writes go through services."""

import datetime
import itertools

from django.utils import timezone

from qinqing.core.audit import SystemActor
from qinqing.core.roles import Role
from qinqing.core.testing import load_test_calendar, make_user
from qinqing.directory import services as directory_services
from qinqing.directory.models import OwnershipType, UnitKind

from ..intake import services
from ..models import Channel

SYSTEM = SystemActor("test")
_counter = itertools.count(1)
# Valid unified social credit codes (GB 32100) are built with the check character helper.


_TOPICS = [
    "厂房消防验收迟迟没有结果",
    "用地指标调整",
    "稳岗补贴发放",
    "电力增容申请",
    "道路施工影响门店经营",
    "退税进度查询",
]


def load_calendar() -> None:
    load_test_calendar()


def make_unit(name: str | None = None, **extra):
    number = next(_counter)
    return directory_services.unit_create(
        code=f"U{number:04d}",
        name=name or f"单位{number}",
        kind=UnitKind.ORGAN,
        organ_type=extra.pop("organ_type", None) or _first_organ_type(),
        actor=SYSTEM,
        **extra,
    )


def _first_organ_type():
    from qinqing.directory.models import OrganType

    return OrganType.values[0]


def make_official(unit, *, user=None, name: str | None = None):
    person = directory_services.person_create(name=name or f"干部{next(_counter)}", actor=SYSTEM)
    return directory_services.official_create(
        person=person, unit=unit, position="科员", actor=SYSTEM, user=user
    )


def make_handler(unit, *roles):
    """A login account for an official of ``unit`` holding the handler role."""
    user = make_user(*(roles or (Role.DEPARTMENT_HANDLER,)))
    official = make_official(unit, user=user)
    return user, official


def _uscc(number: int) -> str:
    from qinqing.core.identifiers import org_code_check_character, uscc_check_character

    body = f"{number:08d}"
    first17 = f"91330106{body}{org_code_check_character(body)}"
    return first17 + uscc_check_character(first17)


def make_enterprise(name: str | None = None):
    number = next(_counter)
    return directory_services.enterprise_create(uscc=_uscc(70_000_000 + number), name=name or f"企业{number}",
                                                ownership_type=_ownership(), actor=SYSTEM)


def _ownership():
    private = [value for value in OwnershipType.values if "private" in value]
    return private[0] if private else OwnershipType.values[0]


def make_enterprise_user(enterprise=None):
    enterprise = enterprise or make_enterprise()
    user = make_user(Role.ENTERPRISE_USER)
    directory_services.enterprise_membership_add(user=user, enterprise=enterprise, actor=SYSTEM)
    return user, enterprise


def file_appeal(
    *,
    enterprise=None,
    content: str | None = None,
    received_at=None,
    channel=Channel.ENTERPRISE_WEB,
    contact_phone=None,
    actor=SYSTEM,
    **extra,
):
    if isinstance(received_at, datetime.date) and not isinstance(received_at, datetime.datetime):
        received_at = timezone.make_aware(datetime.datetime.combine(received_at, datetime.time(10, 0)))
    number = next(_counter)
    if contact_phone is None:
        contact_phone = f"138{number:08d}"
    return services.appeal_file(
        channel=channel,
        title=extra.pop("title", "办理许可证"),
        content=content or f"第{number}号诉求：{_TOPICS[number % len(_TOPICS)]}（编号{number * 7919}）",
        actor=actor,
        enterprise=enterprise,
        contact_phone=contact_phone,
        received_at=received_at,
        **extra,
    ).appeal


def pdf_bytes(*, author: str = "") -> bytes:
    """A real one-page PDF (what ``core.attachments`` takes), with an author in its document information
    when asked (which the cleaner removes)."""
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    if author:
        writer.add_metadata({"/Author": author})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf_upload(name: str = "证明.pdf", **metadata):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, pdf_bytes(**metadata), content_type="application/pdf")
