"""The screening watch list (article 15 item 7): database triggers keep it a superset of every
link and legal representation of an official's or a related person's person, whatever path
writes the directory, and the screening re-checks everything against the real tables."""

import datetime
import json
import random
import threading
import time

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from qinqing.core import audit
from qinqing.core.audit import SystemActor
from qinqing.directory import services as directory
from qinqing.directory.models import EnterpriseLink, LinkKind, Official, Person, Relationship
from qinqing.directory.tests import factories

from ..conflicts import screen
from ..models import MatchMethod, ScreeningWatch
from ..services import screening_watch_rebuild

pytestmark = pytest.mark.django_db
ACTOR = SystemActor("test")


def watched_links() -> set[int]:
    return set(ScreeningWatch.objects.filter(link__isnull=False).values_list("link_id", flat=True))


def watched_enterprises() -> set[int]:
    return set(
        ScreeningWatch.objects.filter(enterprise__isnull=False).values_list("enterprise_id", flat=True)
    )


def watch_rows() -> set[tuple]:
    return set(ScreeningWatch.objects.values_list("link_id", "enterprise_id"))


def screened(enterprise) -> list[tuple]:
    return [(c.official_id, c.person_id, c.link_kind) for c in screen() if c.enterprise_id == enterprise.pk]


def test_the_spouse_link_is_on_the_watch_list_and_an_unrelated_link_is_not(people):
    stranger_link = factories.make_link(enterprise=people.clean_enterprise)
    link = EnterpriseLink.objects.get(person=people.spouse)
    assert watched_links() == {link.pk}
    assert stranger_link.pk not in watched_links()


def test_a_link_added_later_for_an_existing_relative_is_watched(people):
    enterprise = factories.make_enterprise(name="后来投资有限公司")
    link = factories.make_link(
        person=people.spouse, enterprise=enterprise, kind=LinkKind.EXECUTIVE, role="监事"
    )
    assert link.pk in watched_links()
    assert screened(enterprise) == [(people.official.pk, people.spouse.pk, LinkKind.EXECUTIVE)]


def test_a_relative_added_later_for_a_person_who_already_holds_links_is_watched(people):
    brother = factories.make_person(name="张四")
    held = factories.make_enterprise(name="张四商贸有限公司")
    link = factories.make_link(person=brother, enterprise=held, kind=LinkKind.SHAREHOLDER, share_percent="60")
    headed = factories.make_enterprise(name="张四餐饮有限公司", legal_representative=brother)
    assert link.pk not in watched_links() and headed.pk not in watched_enterprises()
    factories.make_related_person(official=people.official, person=brother, relationship=Relationship.SIBLING)
    assert link.pk in watched_links() and headed.pk in watched_enterprises()
    assert screened(held) == [(people.official.pk, brother.pk, LinkKind.SHAREHOLDER)]
    assert screened(headed) == [(people.official.pk, brother.pk, LinkKind.LEGAL_REPRESENTATIVE)]


def test_an_official_whose_person_changes_is_watched(people):
    # The directory has no service that re-points an official; the triggers must catch any path.
    holder = factories.make_person(name="赵六")
    enterprise = factories.make_enterprise(name="赵六科技有限公司")
    link = factories.make_link(person=holder, enterprise=enterprise, kind=LinkKind.EMPLOYEE)
    assert link.pk not in watched_links()
    Official.objects.filter(pk=people.other.pk).update(person=holder)
    assert link.pk in watched_links()
    assert screened(enterprise) == [(people.other.pk, holder.pk, LinkKind.EMPLOYEE)]


def test_a_link_whose_person_is_updated_by_raw_sql_is_watched(people):
    link = factories.make_link(enterprise=people.clean_enterprise, kind=LinkKind.EXECUTIVE)
    assert link.pk not in watched_links()
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {EnterpriseLink._meta.db_table} SET person_id = %s WHERE id = %s",
            [people.spouse.pk, link.pk],
        )  # noqa: S608
    assert link.pk in watched_links()
    assert screened(people.clean_enterprise) == [(people.official.pk, people.spouse.pk, LinkKind.EXECUTIVE)]


def test_an_enterprise_whose_legal_representative_changes_is_watched(people):
    assert people.clean_enterprise.pk not in watched_enterprises()
    directory.enterprise_update(
        enterprise=people.clean_enterprise, legal_representative=people.official.person, actor=ACTOR
    )
    assert people.clean_enterprise.pk in watched_enterprises()
    assert screened(people.clean_enterprise) == [
        (people.official.pk, people.official.person_id, LinkKind.LEGAL_REPRESENTATIVE)
    ]


def test_a_link_repointed_away_stays_watched_but_is_not_screened_and_a_rebuild_trims_it(people):
    link = EnterpriseLink.objects.get(person=people.spouse)
    stranger = factories.make_person(name="陌生人")
    EnterpriseLink.objects.filter(pk=link.pk).update(person=stranger)
    assert link.pk in watched_links()  # a superset: stale rows are harmless ...
    assert screened(people.enterprise) == []  # ... because the screening re-checks the real tables
    rebuilt = screening_watch_rebuild()
    assert (rebuilt.rows, rebuilt.stale, rebuilt.missing) == (0, 1, 0)
    assert watch_rows() == set()


def test_ended_links_relationships_and_offices_stay_watched_and_are_screened_out(people):
    link = EnterpriseLink.objects.get(person=people.spouse)
    directory.enterprise_link_end(link=link, actor=ACTOR)
    assert link.pk in watched_links() and screen() == []
    # Re-opened by a plain update (no trigger fires on end_date): still watched, screened again.
    EnterpriseLink.objects.filter(pk=link.pk).update(end_date=None)
    assert [c.link_id for c in screen()] == [link.pk]
    related = people.official.related_persons.get()
    directory.related_person_end(related=related, actor=ACTOR)
    assert link.pk in watched_links() and screen() == []


def test_a_rebuild_gives_the_same_set_as_the_triggers(people):
    brother = factories.make_person(name="张五")
    factories.make_link(person=brother, enterprise=people.clean_enterprise, kind=LinkKind.EMPLOYEE)
    factories.make_related_person(official=people.official, person=brother, relationship=Relationship.SIBLING)
    factories.make_link(person=people.spouse, enterprise=factories.make_enterprise(), kind=LinkKind.EXECUTIVE)
    factories.make_enterprise(legal_representative=people.other.person)
    factories.make_link(enterprise=people.clean_enterprise)  # a stranger's link: never watched
    official = factories.make_official(name="钱七")
    factories.make_link(person=official.person, enterprise=people.enterprise, kind=LinkKind.DECLARED_INTEREST)
    by_triggers = watch_rows()
    assert len(by_triggers) == 5
    rebuilt = screening_watch_rebuild()
    assert (rebuilt.rows, rebuilt.stale, rebuilt.missing) == (5, 0, 0)
    assert watch_rows() == by_triggers


def test_a_rebuild_restores_rows_the_triggers_never_saw(people):
    before = screen()
    ScreeningWatch.objects.all().delete()  # as if a trigger had been dropped
    assert screen() == []
    rebuilt = screening_watch_rebuild()
    assert (rebuilt.rows, rebuilt.missing, rebuilt.stale) == (1, 1, 0)
    assert screen() == before


def test_the_watch_list_triggers_are_installed():
    # A migration that remakes a directory table on SQLite (ALTER TABLE by copy) drops its
    # triggers; this names the ones the screening relies on.
    if connection.vendor == "postgresql":
        sql = "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgname LIKE 'conduct_watch_%'"
        expected = {
            "conduct_watch_official",
            "conduct_watch_related",
            "conduct_watch_link",
            "conduct_watch_enterprise",
        }
    else:
        sql = "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'conduct_watch_%'"
        expected = {
            f"conduct_watch_{table}_{event}"
            for table in ("official", "related", "link", "enterprise")
            for event in ("insert", "update")
        }
    with connection.cursor() as cursor:
        cursor.execute(sql)
        assert {name for (name,) in cursor.fetchall()} == expected


def test_screen_command_rebuilds_the_watch_list_first(people, capsys):
    ScreeningWatch.objects.all().delete()
    call_command("screen", "--rebuild-watch")
    out = capsys.readouterr()
    assert "1 missing row(s) added" in out.err  # said where it is seen: a trigger was bypassed
    assert "1 conflict(s) found" in out.out
    call_command("screen", "--rebuild-watch", "--json")
    out = capsys.readouterr()
    report = json.loads(out.out)  # stdout stays pure JSON; the rebuild's line goes to stderr
    assert report["watch_rebuild"] == {"rows": 1, "stale": 0, "missing": 0} and report["count"] == 1
    assert "0 missing row(s) added" in out.err


# --- the screening follows the rules on a mixed directory ----------------------------------------
def _set_birth_date(person: Person, birth_date) -> None:
    """Persons without a resident ID have no derived birth date; set one as an edit would."""
    with transaction.atomic():
        person = Person.objects.get(pk=person.pk)
        before = audit.snapshot(person)
        person.birth_date = birth_date
        person.save(update_fields=["birth_date"])
        audit.record_event(actor=ACTOR, action="directory.person.update", instance=person, before=before)


def _expected_rows() -> list[tuple]:
    """The rules of conflicts.py applied by brute force to every directory row."""
    persons = {p.pk: p for p in Person.objects.all()}
    links = list(EnterpriseLink.objects.filter(end_date__isnull=True))
    from qinqing.directory.models import Enterprise, RelatedPerson

    enterprises = list(Enterprise.objects.exclude(legal_representative=None))
    rows = []
    for official in Official.objects.filter(is_active=True):
        subjects = [(official.person_id, "self")] + [
            (r.person_id, r.relationship)
            for r in RelatedPerson.objects.filter(official=official, end_date__isnull=True)
        ]
        for person_id, relationship in subjects:
            subject = persons[person_id]
            for link in links:
                if link.person_id == person_id:
                    rows.append(
                        (
                            official.pk,
                            relationship,
                            person_id,
                            "exact",
                            link.enterprise_id,
                            link.kind,
                            link.pk,
                        )
                    )
                other = persons[link.person_id]
                if (
                    other.pk != person_id
                    and other.name == subject.name
                    and subject.birth_date is not None
                    and other.birth_date == subject.birth_date
                    and "" in (subject.resident_id_index, other.resident_id_index)
                ):
                    rows.append(
                        (
                            official.pk,
                            relationship,
                            person_id,
                            "name_birth_date",
                            link.enterprise_id,
                            link.kind,
                            link.pk,
                        )
                    )
            for enterprise in enterprises:
                if enterprise.legal_representative_id == person_id:
                    rows.append(
                        (
                            official.pk,
                            relationship,
                            person_id,
                            "exact",
                            enterprise.pk,
                            LinkKind.LEGAL_REPRESENTATIVE,
                            None,
                        )
                    )
    nulls_first = connection.vendor == "sqlite"  # NULL link ids sort first on SQLite, last on PostgreSQL

    def order(row):
        official_id, relationship, person_id, match, enterprise_id, kind, link_id = row
        link_key = (0 if nulls_first else 2, 0) if link_id is None else (1, link_id)
        return (official_id, enterprise_id, person_id, kind, link_key, relationship, match)

    return sorted(rows, key=order)


def test_screening_finds_exactly_what_the_rules_say_on_a_mixed_directory():
    rng = random.Random(157)
    unit = factories.make_unit()
    names = ["王伟", "李娜", "张敏"]
    births = [datetime.date(1970, 1, 1), datetime.date(1980, 2, 2)]
    persons = []
    for number in range(24):
        name, birth = rng.choice(names), rng.choice(births)
        if number % 3 == 2:  # a third without a resident ID, most with a birth date
            person = factories.make_person(name=name, resident_id="")
            if number % 9 != 8:
                _set_birth_date(person, birth)
        else:
            person = factories.make_person(
                name=name, resident_id=factories.make_resident_id(birth=birth.strftime("%Y%m%d"))
            )
        persons.append(person)
    officials = [
        directory.official_create(person=person, unit=unit, position="科员", actor=ACTOR)
        for person in persons[:6]
    ]
    directory.official_update(official=officials[5], is_active=False, actor=ACTOR)
    relatives = []
    for official in officials:
        for person in rng.sample(persons[6:], 3):
            relatives.append(
                directory.related_person_add(
                    official=official,
                    person=person,
                    actor=ACTOR,
                    relationship=rng.choice([r.value for r in Relationship]),
                )
            )
    for related in relatives[::5]:
        directory.related_person_end(related=related, actor=ACTOR)
    enterprises = [
        factories.make_enterprise(legal_representative=rng.choice(persons + [None])) for _number in range(8)
    ]
    links = [
        factories.make_link(
            person=rng.choice(persons),
            enterprise=rng.choice(enterprises),
            kind=rng.choice([LinkKind.EXECUTIVE, LinkKind.EMPLOYEE, LinkKind.DECLARED_INTEREST]),
        )
        for _number in range(40)
    ]
    for link in links[::6]:
        directory.enterprise_link_end(link=link, actor=ACTOR)
    # Writes that go around the services: every one must still leave the watch list complete.
    for link in links[1::7]:
        EnterpriseLink.objects.filter(pk=link.pk).update(person=rng.choice(persons))
    Official.objects.filter(pk=officials[2].pk).update(person=persons[-1])
    directory.enterprise_update(enterprise=enterprises[0], legal_representative=persons[7], actor=ACTOR)

    found = [
        (
            c.official_id,
            c.relationship,
            c.person_id,
            "exact" if c.match in (MatchMethod.RESIDENT_ID, MatchMethod.SAME_PERSON) else c.match,
            c.enterprise_id,
            c.link_kind,
            c.link_id,
        )
        for c in screen()
    ]
    expected = _expected_rows()
    assert (
        len({row[3] for row in expected}) == 2 and len(expected) > 20
    )  # the data exercises both kinds of match
    assert found == expected
    by_triggers = watch_rows()
    rebuilt = screening_watch_rebuild()
    assert rebuilt.missing == 0 and watch_rows() <= by_triggers
    assert [(c.official_id, c.person_id, c.link_id, c.enterprise_id) for c in screen()] == [
        (r[0], r[2], r[6], r[4]) for r in expected
    ]


def test_the_exact_matches_name_their_method(people):
    """Resident-ID match when the person has an ID, same-person record otherwise."""
    no_id = factories.make_person(name="无证亲属", resident_id="")
    factories.make_related_person(official=people.official, person=no_id, relationship=Relationship.OTHER)
    enterprise = factories.make_enterprise()
    factories.make_link(person=no_id, enterprise=enterprise)
    assert {c.person_name: c.match for c in screen()} == {
        "李四": MatchMethod.RESIDENT_ID,
        "无证亲属": MatchMethod.SAME_PERSON,
    }


# --- two transactions at once (PostgreSQL; SQLite has one writer at a time) ------------------------
def _raw_connection():
    import psycopg

    settings = connection.settings_dict
    return psycopg.connect(
        dbname=settings["NAME"],
        user=settings["USER"],
        password=settings["PASSWORD"] or None,
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
    )


def _insert_link(raw, person_id: int, enterprise_id: int) -> int:
    row = raw.execute(
        "INSERT INTO directory_enterpriselink (person_id, enterprise_id, kind, role, source)"
        " VALUES (%s, %s, 'employee', '', 'test') RETURNING id", [person_id, enterprise_id]).fetchone()
    return row[0]


def _insert_relative(raw, official_id: int, person_id: int) -> None:
    raw.execute("INSERT INTO directory_relatedperson (official_id, person_id, relationship, occupation)"
                " VALUES (%s, %s, 'sibling', '')", [official_id, person_id])


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("first", ["relative", "link"])
def test_a_relative_and_a_link_of_one_person_written_at_once_are_not_missed(first):
    """Each transaction's trigger cannot see the other's uncommitted row; the person-row locks
    make the second wait for the first to commit, and then see its row."""
    official = factories.make_official(name="并发官员")
    person = factories.make_person(name="并发亲属")
    enterprise = factories.make_enterprise()
    if connection.vendor != "postgresql":
        _sqlite_writers_cannot_overlap(first, official, person, enterprise)
        return
    first_connection, second_connection = _raw_connection(), _raw_connection()
    link_ids = []
    try:
        if first == "relative":
            _insert_relative(first_connection, official.pk, person.pk)

            def second():
                link_ids.append(_insert_link(second_connection, person.pk, enterprise.pk))
                second_connection.commit()
        else:
            link_ids.append(_insert_link(first_connection, person.pk, enterprise.pk))

            def second():
                _insert_relative(second_connection, official.pk, person.pk)
                second_connection.commit()
        waiting = threading.Thread(target=second)
        waiting.start()
        time.sleep(0.5)
        assert waiting.is_alive()  # the second transaction waits on the person row
        first_connection.commit()
        waiting.join(timeout=10)
        assert not waiting.is_alive()
    finally:
        first_connection.close()
        second_connection.close()
    assert link_ids[0] in watched_links()


def _sqlite_writers_cannot_overlap(first, official, person, enterprise):
    """SQLite: the race cannot happen. Every transaction begins IMMEDIATE (settings), so a
    second writer cannot even begin while the first is open; once the first commits, the
    second one's trigger sees its row."""
    import sqlite3

    other = sqlite3.connect(connection.settings_dict["NAME"], uri=True, timeout=0.1, isolation_level=None)
    relative_sql = ("INSERT INTO directory_relatedperson (official_id, person_id, relationship, occupation)"
                    " VALUES (?, ?, 'sibling', '')", [official.pk, person.pk])
    link_sql = ("INSERT INTO directory_enterpriselink (person_id, enterprise_id, kind, role, source)"
                " VALUES (?, ?, 'employee', '', 'test')", [person.pk, enterprise.pk])
    first_sql, second_sql = (relative_sql, link_sql) if first == "relative" else (link_sql, relative_sql)
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(first_sql[0].replace("?", "%s"), first_sql[1])
            with pytest.raises(sqlite3.OperationalError):
                other.execute("BEGIN IMMEDIATE")
        other.execute("BEGIN IMMEDIATE")
        other.execute(*second_sql)
        other.execute("COMMIT")
    finally:
        other.close()
    link_id = EnterpriseLink.objects.get(person_id=person.pk, enterprise_id=enterprise.pk).pk
    assert link_id in watched_links()
