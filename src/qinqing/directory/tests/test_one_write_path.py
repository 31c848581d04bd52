"""One write path: the importer and the demo generator write by the services' rules and
under the services' audit action names (issue 9, item 4)."""

import datetime
from collections import defaultdict
from decimal import Decimal

import pytest
from django.utils import translation

from qinqing.core import audit
from qinqing.core.crypto import blind_index
from qinqing.core.errors import ServiceError
from qinqing.core.models import AuditEvent
from qinqing.directory import services
from qinqing.directory.demo import generate_demo
from qinqing.directory.importing import import_file, template_headers
from qinqing.directory.models import (
    Enterprise,
    EnterpriseLink,
    Official,
    OfficialPosition,
    Person,
    RelatedPerson,
    Unit,
)

from .factories import ACTOR, make_enterprise, make_link, make_official, make_person, make_unit
from .test_import import resident_id, uscc, write_csv

pytestmark = pytest.mark.django_db
ACTIONS = {value for name, value in vars(services.Action).items() if name.isupper()}


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def positions(official: Official) -> list[tuple]:
    return list(
        OfficialPosition.objects.filter(official=official).values_list(
            "unit__code", "position", "rank", "start_date", "end_date"
        )
    )


def trail_actions(instance) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_type=instance._meta.label, object_id=str(instance.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )


# --- position history --------------------------------------------------------------------
def test_an_imported_official_has_position_history_like_a_service_created_one(tmp_path, frozen_clock):
    frozen_clock("2026-11-30 10:00")
    unit = make_unit(code="U1")
    by_service = make_official(unit=unit, position="科长", rank="section")
    number = resident_id(41, "19790303")
    rows = [template_headers("officials"), ["孙科长", number, "U1", "科长", "正科级", "否", ""]]
    report = import_file("officials", write_csv(tmp_path / "o.csv", rows), actor=ACTOR)
    assert report.imported == 1 and not report.rejected
    imported = Official.objects.get(person__resident_id_index=blind_index(number))

    today = datetime.date(2026, 11, 30)
    assert positions(imported) == positions(by_service) == [("U1", "科长", "section", today, None)]
    # the same events, under the same names, in the same order, for both officials
    assert trail_actions(imported) == trail_actions(by_service) == [services.Action.OFFICIAL_CREATE]
    for official in (imported, by_service):
        assert trail_actions(official.positions.get()) == [services.Action.POSITION_OPEN]

    # a transfer in a later file closes the imported position and opens the new one
    frozen_clock("2027-01-04 09:00")
    make_unit(code="U2")
    rows[1][2:4] = ["U2", "副局长"]
    moved = import_file("officials", write_csv(tmp_path / "o2.csv", rows), actor=ACTOR)
    assert (moved.imported, moved.updated) == (0, 1)
    assert sorted(positions(imported), key=lambda p: p[3]) == [
        ("U1", "科长", "section", today, datetime.date(2027, 1, 4)),
        ("U2", "副局长", "section", datetime.date(2027, 1, 4), None),
    ]
    assert audit.verify_chain().ok


# --- share totals --------------------------------------------------------------------------
def link_rows(*rows):
    return [template_headers("links"), *rows]


def test_an_import_exceeding_100_percent_is_refused_with_the_row_named_and_nothing_half_written(tmp_path):
    enterprise = make_enterprise(uscc=uscc(50))
    make_link(enterprise=enterprise, share_percent=Decimal("60"))  # already stored: 60 %
    first, second, third = resident_id(51), resident_id(52), resident_id(53)
    rows = link_rows(
        ["甲股东", first, uscc(50), "股东", "", "30", "2024-01-01", ""],   # row 2: 90 %
        ["乙股东", second, uscc(50), "股东", "", "20", "2024-01-01", ""],  # row 3: would be 110 %
        ["丙股东", third, uscc(50), "股东", "", "10", "2024-01-01", ""],   # row 4: 100 %
        ["乙股东", second, uscc(50), "高管", "董事", "", "", ""],          # row 5: no share, fine
    )
    # The last seq so far, not the count: on PostgreSQL seq comes from a sequence and has gaps.
    events = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    report = import_file("links", write_csv(tmp_path / "l.csv", rows), actor=ACTOR)

    assert report.imported == 3
    assert [(r.row, r.field) for r in report.rejected] == [(3, "share_percent")]
    assert "110%" in report.rejected[0].error and "100%" in report.rejected[0].error
    shares = EnterpriseLink.objects.filter(enterprise=enterprise, kind="shareholder")
    assert sorted(shares.values_list("share_percent", flat=True)) == [
        Decimal("10"),
        Decimal("30"),
        Decimal("60"),
    ]
    # row 3's person holds no share; only row 5 (a post) brought them in
    second_person = Person.objects.get(resident_id_index=blind_index(second))
    assert list(second_person.enterprise_links.values_list("kind", flat=True)) == ["executive"]
    # events: 3 persons, 3 links — nothing for the refused row
    new_events = AuditEvent.objects.filter(seq__gt=events)
    assert new_events.filter(action=services.Action.PERSON_CREATE).count() == 3
    assert new_events.filter(action=services.Action.LINK_CREATE).count() == 3
    assert audit.verify_chain().ok


def test_a_refused_share_row_leaves_no_person_behind_and_reads_in_chinese(tmp_path):
    enterprise = make_enterprise(uscc=uscc(60))
    make_link(enterprise=enterprise, share_percent=Decimal("95"))
    newcomer = resident_id(61)
    rows = link_rows(["丁股东", newcomer, uscc(60), "股东", "", "6", "", ""])
    with translation.override("zh-hans"):
        report = import_file("links", write_csv(tmp_path / "l.csv", rows), actor=ACTOR)
    assert report.imported == 0
    assert [(r.row, r.field) for r in report.rejected] == [(2, "share_percent")]
    assert report.rejected[0].error == "该企业各股东持股比例合计将达到 101%，超过 100%。"
    assert not Person.objects.filter(resident_id_index=blind_index(newcomer)).exists()
    assert EnterpriseLink.objects.filter(enterprise=enterprise).count() == 1


def test_a_changed_share_in_a_reimport_is_judged_against_the_stored_shares(tmp_path):
    make_enterprise(uscc=uscc(70))
    holder, other = resident_id(71), resident_id(72)
    rows = link_rows(
        ["戊股东", holder, uscc(70), "股东", "", "50", "", ""],
        ["己股东", other, uscc(70), "股东", "", "40", "", ""],
    )
    assert import_file("links", write_csv(tmp_path / "a.csv", rows), actor=ACTOR).imported == 2

    rows[1][5] = "70"  # 70 + 40 = 110
    report = import_file("links", write_csv(tmp_path / "b.csv", rows), actor=ACTOR)
    assert (report.imported, report.updated, report.unchanged) == (0, 0, 1)
    assert [(r.row, r.field) for r in report.rejected] == [(2, "share_percent")]
    assert EnterpriseLink.objects.get(person__resident_id_index=blind_index(holder)).share_percent == Decimal(
        "50"
    )

    rows[1][5] = "60"  # 60 + 40 = 100: allowed, recorded as an update
    report = import_file("links", write_csv(tmp_path / "c.csv", rows), actor=ACTOR)
    assert (report.updated, report.unchanged, report.rejected) == (1, 1, [])
    changed = EnterpriseLink.objects.get(person__resident_id_index=blind_index(holder))
    assert changed.share_percent == Decimal("60")
    assert trail_actions(changed) == [services.Action.LINK_CREATE, services.Action.LINK_UPDATE]
    assert audit.verify_chain().ok


def test_the_bulk_share_rule_is_the_services_rule():
    enterprise = make_enterprise()
    make_link(enterprise=enterprise, share_percent=Decimal("70"))
    people = [make_person(), make_person()]
    links = [
        EnterpriseLink(person=p, enterprise=enterprise, kind="shareholder", share_percent=Decimal("20"))
        for p in people
    ]
    with pytest.raises(ServiceError) as caught:
        services.enterprise_links_create_bulk(links, actor=ACTOR)
    assert caught.value.code == "share_total" and caught.value.field == "share_percent"
    assert EnterpriseLink.objects.filter(enterprise=enterprise).count() == 1  # nothing half-written
    refused = []
    kept = services.enterprise_links_create_bulk(
        links, actor=ACTOR, reject=lambda link, error: refused.append((link, error.code))
    )
    assert kept == links[:1] and refused == [(links[1], "share_total")]
    # the single-row service refuses the same link for the same reason
    with pytest.raises(ServiceError) as single:
        services.enterprise_link_create(
            person=people[1], enterprise=enterprise, kind="shareholder", share_percent="20", actor=ACTOR
        )
    assert single.value.code == "share_total"


def test_import_rows_that_break_a_service_rule_are_refused_on_their_column(tmp_path):
    make_enterprise(uscc=uscc(80))
    rows = link_rows(
        ["庚员工", resident_id(81), uscc(80), "员工", "会计", "5", "", ""]
    )  # only shareholders hold shares
    report = import_file("links", write_csv(tmp_path / "l.csv", rows), actor=ACTOR)
    assert report.imported == 0
    assert [(r.row, r.field) for r in report.rejected] == [(2, "share_percent")]
    assert "Only a shareholder" in report.rejected[0].error
    assert not Person.objects.filter(resident_id_index=blind_index(resident_id(81))).exists()


# --- audit action names --------------------------------------------------------------------
def test_service_import_and_demo_record_the_same_action_names(tmp_path):
    generate_demo(scale=5, seed=11)
    # by hand, through the single-row services
    unit = make_unit(code="HAND")
    official = make_official(unit=unit)
    relative = services.related_person_add(
        official=official, person=make_person(), relationship="spouse", actor=ACTOR
    )
    enterprise = make_enterprise()
    make_link(person=relative.person, enterprise=enterprise, share_percent=Decimal("5"))
    # and by import
    head = resident_id(91, "19700101")
    import_file(
        "officials",
        write_csv(
            tmp_path / "o.csv",
            [template_headers("officials"), ["壬局长", head, "HAND", "局长", "正科级", "是", ""]],
        ),
        actor=ACTOR,
    )
    import_file(
        "enterprises",
        write_csv(
            tmp_path / "e.csv",
            [
                template_headers("enterprises"),
                ["癸公司", uscc(90), "私营企业", "", "", "", "法人", resident_id(92)],
            ],
        ),
        actor=ACTOR,
    )
    import_file(
        "relatives",
        write_csv(
            tmp_path / "r.csv", [template_headers("relatives"), [head, "壬配偶", resident_id(93), "配偶", ""]]
        ),
        actor=ACTOR,
    )
    import_file(
        "links",
        write_csv(
            tmp_path / "l.csv", link_rows(["壬配偶", resident_id(93), uscc(90), "股东", "", "10", "", ""])
        ),
        actor=ACTOR,
    )

    by_source: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for object_type, action, details in AuditEvent.objects.filter(
        object_type__startswith="directory."
    ).values_list("object_type", "action", "details"):
        by_source[object_type][(details or {}).get("source", "service")].add(action)
    for model in (Unit, Person, Official, OfficialPosition, Enterprise, EnterpriseLink, RelatedPerson):
        sources = by_source[model._meta.label]
        creations = {
            source: {a for a in actions if a.endswith((".create", ".open"))}
            for source, actions in sources.items()
        }
        expected = {"service", "demo"} | ({"import"} if model is not Unit else set())
        assert expected <= set(creations), (model, creations)
        assert len({frozenset(actions) for actions in creations.values()}) == 1, (model, creations)
    every = set(AuditEvent.objects.filter(action__startswith="directory.").values_list("action", flat=True))
    assert every <= ACTIONS, every - ACTIONS
    assert "directory.enterpriselink.create" in every and "directory.enterprise_link.create" not in every
    assert audit.verify_chain().ok


def test_reimported_changes_go_through_the_update_services(tmp_path):
    make_unit(code="U9")
    head = resident_id(95, "19710101")
    import_file(
        "officials",
        write_csv(
            tmp_path / "o.csv",
            [template_headers("officials"), ["子局长", head, "U9", "局长", "正科级", "是", ""]],
        ),
        actor=ACTOR,
    )
    relatives = [template_headers("relatives"), [head, "子配偶", resident_id(96), "配偶", "教师"]]
    enterprises = [template_headers("enterprises"), ["丑公司", uscc(97), "私营企业", "", "", "", "", ""]]
    import_file("relatives", write_csv(tmp_path / "r.csv", relatives), actor=ACTOR)
    import_file("enterprises", write_csv(tmp_path / "e.csv", enterprises), actor=ACTOR)

    relatives[1][4] = "医生"
    enterprises[1][0] = "丑集团有限公司"
    assert import_file("relatives", write_csv(tmp_path / "r2.csv", relatives), actor=ACTOR).updated == 1
    assert import_file("enterprises", write_csv(tmp_path / "e2.csv", enterprises), actor=ACTOR).updated == 1
    related = RelatedPerson.objects.get()
    assert related.occupation == "医生"
    assert trail_actions(related) == [services.Action.RELATED_CREATE, services.Action.RELATED_UPDATE]
    assert trail_actions(Enterprise.objects.get(uscc=uscc(97))) == [
        services.Action.ENTERPRISE_CREATE,
        services.Action.ENTERPRISE_UPDATE,
    ]
    assert audit.verify_chain().ok
