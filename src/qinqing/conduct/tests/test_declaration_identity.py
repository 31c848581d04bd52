"""An official declaring a related person is not the directory's keeper (articles 15.2–15.4).

A resident ID already on record keeps its name: a declaration with another person's number once renamed
that person (any official could rename a colleague or a leader). Then it was refused, which told the
official that the number was on record under another name (an oracle for guessed numbers) and lost the
declaration conflict screening needs. Now it is accepted, linked to the person holding the number, never
renaming them; it keeps the name the official gave, which is all the official is shown, and the discipline
office sees the difference (both names) to resolve it."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from qinqing.conduct import selectors, services
from qinqing.conduct.conflicts import screen
from qinqing.conduct.models import RelatedPersonDeclaration
from qinqing.core.errors import ServiceError
from qinqing.core.models import AuditEvent
from qinqing.directory.models import LinkKind, Person, RelatedPerson
from qinqing.directory.tests import factories

pytestmark = pytest.mark.django_db


def _declare(client, people, *, name: str, resident_id: str, relationship: str = "other", **extra):
    client.force_login(people.official_user)
    return client.post(
        reverse("conduct:my_related_persons"),
        {"name": name, "relationship": relationship, "resident_id": resident_id, "occupation": "职员"}
        | extra,
    )


def _answer(response) -> tuple:
    """What the official is told: the status, where they are sent, the messages."""
    return (
        response.status_code,
        response.get("Location"),
        [str(message) for message in get_messages(response.wsgi_request)],
    )


def test_a_number_on_record_and_a_new_number_are_answered_alike(people, client):
    colleague = people.other.person
    on_record = _answer(_declare(client, people, name="张冒名", resident_id=colleague.resident_id))
    client.get(on_record[1])  # the message shown
    new = _declare(
        client, people, name="张冒名", resident_id=factories.make_resident_id(), relationship="child"
    )

    assert on_record == _answer(new)
    assert on_record[0] == 302 and len(on_record[2]) == 1
    # both are declared, each under the name the official gave
    declared = RelatedPerson.objects.filter(official=people.official, declared_name="张冒名")
    assert declared.count() == 2
    assert declared.filter(person=colleague).exists()


def test_the_person_of_record_is_never_renamed_and_the_write_is_audited(people, client):
    colleague = people.other.person
    phone_before = Person.objects.get(pk=colleague.pk).phone
    before = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first()
    services.related_person_declare(
        official=people.official, name="张冒名", relationship="other", resident_id=colleague.resident_id,
        phone="13800138000", actor=people.official_user,
    )

    person = Person.objects.get(pk=colleague.pk)
    assert person.name == "赵六" and person.phone == phone_before
    declaration = RelatedPersonDeclaration.objects.get(official=people.official)
    assert declaration.declared_name == "张冒名" and declaration.name_differs
    assert declaration.related_person.person_id == colleague.pk
    actions = list(AuditEvent.objects.filter(seq__gt=before).values_list("action", flat=True))
    assert "conduct.declaration.create" in actions and "directory.relatedperson.create" in actions
    assert not [action for action in actions if action.startswith("directory.person.")]


def test_the_input_rules_do_not_depend_on_the_number_being_on_record(people):
    """A name or a phone refused only when the number is new would tell the two apart."""
    for resident_id in (people.other.person.resident_id, factories.make_resident_id()):
        for wrong in ({"name": " "}, {"name": "某" * 101}, {"name": "某人", "phone": "123"}):
            with pytest.raises(ServiceError) as refused:
                services.related_person_declare(
                    official=people.official, relationship="other", resident_id=resident_id,
                    actor=people.official_user, **wrong,
                )
            assert refused.value.field == ("phone" if "phone" in wrong else "name")


def test_the_officials_own_pages_show_the_name_they_declared(people, client):
    colleague = people.other.person
    shares = factories.make_enterprise(name="赵氏控股有限公司")
    factories.make_link(person=colleague, enterprise=shares, kind=LinkKind.SHAREHOLDER, share_percent="30")
    _declare(
        client, people, name="张冒名", resident_id=colleague.resident_id,
        holding_code=people.clean_enterprise.uscc, holding_role="顾问",
    )

    page = client.get(reverse("conduct:my_related_persons")).content.decode()
    assert "张冒名" in page and "赵六" not in page
    # the conflicts shown to the official: only the tie they declared, under the name they gave
    assert "清白实业有限公司" in page and "赵氏控股有限公司" not in page
    own = selectors.own_conflicts(people.official)
    assert {(c.person_name, c.enterprise_name) for c in own if c.relationship == "other"} == {
        ("张冒名", "清白实业有限公司")
    }

    detail = client.get(reverse("directory:official_detail", args=[people.official.pk])).content.decode()
    related = detail.split('data-testid="related-persons"')[1].split("</table>")[0]
    assert "张冒名" in related and "赵六" not in related and "赵氏控股有限公司" not in related
    assert reverse("directory:person_detail", args=[colleague.pk]) not in related
    # the colleague's own page does not list the relation either (it would name whose the number is)
    colleague_page = client.get(reverse("directory:person_detail", args=[colleague.pk])).content.decode()
    assert "张三" not in colleague_page.split('data-testid="relations"')[1].split("</table>")[0]


def test_a_new_number_reads_the_same_on_the_officials_page(people, client):
    """The same declaration with a number new to the directory: the same rows and conflicts."""
    _declare(
        client, people, name="张冒名", resident_id=factories.make_resident_id(),
        holding_code=people.clean_enterprise.uscc, holding_role="顾问",
    )
    own = selectors.own_conflicts(people.official)
    assert {(c.person_name, c.enterprise_name) for c in own if c.relationship == "other"} == {
        ("张冒名", "清白实业有限公司")
    }


def test_the_discipline_office_sees_both_names_and_the_flag(people, client):
    colleague = people.other.person
    _declare(client, people, name="张冒名", resident_id=colleague.resident_id)
    _declare(client, people, name="李四", resident_id=people.spouse.resident_id, relationship="spouse")

    client.force_login(people.inspector)
    page = client.get(reverse("conduct:declarations"), {"names": "differ"})
    assert page.status_code == 200
    text = page.content.decode()
    table = text.split('data-testid="declarations"')[1]
    assert "张冒名" in table and "赵六" in table and 'data-testid="name-differs"' in table
    assert "李四" not in table  # the same name as on record: not to resolve
    assert 'data-testid="to-resolve"' in text
    assert "李四" in client.get(reverse("conduct:declarations")).content.decode()
    # the office records how it resolved the difference (audited); the row leaves the list to resolve
    declaration = RelatedPersonDeclaration.objects.get(name_differs=True)
    empty = client.post(reverse("conduct:declarations"), {"resolve": declaration.pk, "note": " "})
    assert empty.status_code == 400 and 'data-field="note"' in empty.content.decode()
    done = client.post(
        reverse("conduct:declarations") + "?names=differ",
        {"resolve": declaration.pk, "note": "经核实，申报人填错身份证号码，已通知更正"},
    )
    assert done.status_code == 302
    declaration.refresh_from_db()
    assert declaration.name_resolved_by == people.inspector
    assert declaration.name_resolution.startswith("经核实")
    assert AuditEvent.objects.filter(action="conduct.declaration.resolve_name", object_id=str(declaration.pk))
    assert "张冒名" not in client.get(reverse("conduct:declarations"), {"names": "differ"}).content.decode()
    assert "经核实" in client.get(reverse("conduct:declarations"), {"names": "resolved"}).content.decode()
    again = client.post(reverse("conduct:declarations"), {"resolve": declaration.pk, "note": "再次"})
    assert again.status_code == 409
    assert client.post(reverse("conduct:declarations"), {"probe": "1"}).status_code == 400
    refused = client.get(reverse("conduct:declarations"), {"names": "nonsense"})
    assert refused.status_code == 400 and 'data-field="names"' in refused.content.decode()
    # the directory page of the official, for the discipline office: the name of record and the declared one
    detail = client.get(reverse("directory:official_detail", args=[people.official.pk])).content.decode()
    related = detail.split('data-testid="related-persons"')[1].split("</table>")[0]
    assert "赵六" in related and "张冒名" in related and 'data-testid="name-differs"' in related
    # the officials themselves and their leader see no such list, and the leader only the declared name
    client.force_login(people.official_user)
    assert client.get(reverse("conduct:declarations")).status_code == 403
    with pytest.raises(ServiceError):
        services.declaration_name_resolve(declaration=declaration, note="x", actor=people.official_user)
    client.force_login(people.leader_user)
    detail = client.get(reverse("directory:official_detail", args=[people.official.pk])).content.decode()
    related = detail.split('data-testid="related-persons"')[1].split("</table>")[0]
    assert "张冒名" in related and "赵六" not in related


def test_the_district_screening_still_finds_the_records_ties_by_the_number(people, client):
    """The discipline office's screening goes by the number: the record's ties through the relation, under
    the name of record. The gate and the official's own checks do not (below)."""
    colleague = people.other.person
    shares = factories.make_enterprise(name="赵氏控股有限公司")
    factories.make_link(person=colleague, enterprise=shares, kind=LinkKind.SHAREHOLDER, share_percent="30")
    _declare(client, people, name="张冒名", resident_id=colleague.resident_id)

    screened = [c for c in screen() if c.official_id == people.official.pk and c.enterprise_id == shares.pk]
    assert [(c.person_id, c.relationship, c.person_name) for c in screened] == [
        (colleague.pk, "other", "赵六")
    ]


def test_the_gate_goes_by_what_the_official_declared_for_a_relative_named_otherwise(people, client):
    """A relative declared under another name than the number's holder of record, with a holding in 清白实业:
    the holding was put on the person of record (here the official 赵六, who then had a "conflict" of his
    own with 清白实业 from 张三's declaration), and the gate refused 张三 on the record's ties (赵氏控股),
    telling whoever was refused what the number's holder holds. Now the holding is the relation's: the gate
    refuses 张三 on 清白实业, as declared, under the declared name, and not on the record's ties."""
    from qinqing.conduct.services import RecusalRequired, check_assignment
    from qinqing.directory.models import EnterpriseLink

    colleague = people.other.person
    shares = factories.make_enterprise(name="赵氏控股有限公司")
    factories.make_link(person=colleague, enterprise=shares, kind=LinkKind.SHAREHOLDER, share_percent="30")
    response = _declare(
        client, people, name="张冒名", resident_id=colleague.resident_id,
        holding_code=people.clean_enterprise.uscc, holding_role="顾问",
    )
    assert response.status_code == 302

    # nothing put on the person of record: their ties, and their own conflicts, are as before
    assert not EnterpriseLink.objects.filter(person=colleague, enterprise=people.clean_enterprise).exists()
    assert services.find_conflicts(official=people.other, enterprise=people.clean_enterprise) == []
    declaration = RelatedPersonDeclaration.objects.get(official=people.official)
    assert declaration.holdings == [
        {"enterprise_id": people.clean_enterprise.pk, "link_id": None, "role": "顾问", "share_percent": ""}
    ]

    # the gate: the declared holding, under the declared name
    with pytest.raises(RecusalRequired) as blocked:
        check_assignment(
            official=people.official, enterprise=people.clean_enterprise, matter_type="test", matter_id="1",
            actor=people.leader_user,
        )
    refusal = str(blocked.value)
    assert "张冒名" in refusal and "清白实业有限公司" in refusal and "赵六" not in refusal
    assert [(c.person_name, c.match, c.link_kind, c.role) for c in blocked.value.conflicts] == [
        ("张冒名", "declared", "declared_interest", "顾问")
    ]
    # ...and not the record's ties, which the official did not declare
    check_assignment(
        official=people.official, enterprise=shares, matter_type="test", matter_id="2",
        actor=people.leader_user,
    )
    assert services.find_conflicts(official=people.official, enterprise=shares) == []
    assert "赵氏控股有限公司" not in str(services.find_conflicts(official=people.official))

    # the discipline office's view of the official (its API) has both, the record's ties under both names
    office = services.find_conflicts(official=people.official, record_ties=True)
    office = [c for c in office if c.relationship == "other"]
    assert {(c.enterprise_name, c.match, c.person_name, c.record_name) for c in office} == {
        ("赵氏控股有限公司", "resident_id", "张冒名", "赵六"),
        ("清白实业有限公司", "declared", "张冒名", "赵六"),
    }
    # the discipline office's screening lists the declared holding beside the record's ties, with both names
    mine = [c for c in screen() if c.official_id == people.official.pk and c.relationship == "other"]
    assert {(c.enterprise_name, c.match, c.person_name, c.record_name) for c in mine} == {
        ("赵氏控股有限公司", "resident_id", "赵六", ""),
        ("清白实业有限公司", "declared", "张冒名", "赵六"),
    }
    # and its register of declarations shows the holding as declared
    client.force_login(people.inspector)
    register = client.get(reverse("conduct:declarations")).content.decode()
    assert "清白实业有限公司（顾问）" in register


def test_the_relations_holdings_still_count_once_the_name_of_record_is_corrected(people, client):
    """The discipline office resolves the difference: the keeper corrects the name of record to the name
    the official gave. The holding declared then is still the relation's (it was never put on the person),
    and now the person's own ties count too."""
    from qinqing.directory import services as directory_services

    colleague = factories.make_person(name="钱某")
    shares = factories.make_enterprise(name="钱氏控股有限公司")
    factories.make_link(person=colleague, enterprise=shares, kind=LinkKind.SHAREHOLDER, share_percent="30")
    _declare(
        client, people, name="钱冒名", resident_id=colleague.resident_id,
        holding_code=people.clean_enterprise.uscc, holding_role="顾问",
    )
    before = {(c.enterprise_name, c.match) for c in services.find_conflicts(official=people.official)}
    assert ("清白实业有限公司", "declared") in before and ("钱氏控股有限公司", "resident_id") not in before
    directory_services.person_update(person=colleague, name="钱冒名", actor=people.inspector)
    after = {
        (c.enterprise_name, c.match, c.person_name, c.record_name)
        for c in services.find_conflicts(official=people.official)
        if c.relationship == "other"
    }
    assert after == {
        ("清白实业有限公司", "declared", "钱冒名", ""),
        ("钱氏控股有限公司", "resident_id", "钱冒名", ""),
    }
    screened = {(c.enterprise_name, c.match) for c in screen() if c.official_id == people.official.pk}
    assert {("清白实业有限公司", "declared"), ("钱氏控股有限公司", "resident_id")} <= screened


def test_a_later_declaration_for_the_relative_replaces_the_holding_it_repeats(people, client):
    colleague = people.other.person
    for role in ("顾问", "监事"):
        _declare(
            client, people, name="张冒名", resident_id=colleague.resident_id,
            holding_code=people.clean_enterprise.uscc, holding_role=role,
        )
    found = services.find_conflicts(official=people.official, enterprise=people.clean_enterprise)
    assert [(c.person_name, c.role) for c in found] == [("张冒名", "监事")]
    # the holdings' rules are the same whether the number was on record or not
    for resident_id in (colleague.resident_id, factories.make_resident_id()):
        with pytest.raises(ServiceError) as refused:
            services.related_person_declare(
                official=people.official, name="张冒名", relationship="other", resident_id=resident_id,
                holdings=[{"enterprise": people.clean_enterprise, "role": "顾问", "share_percent": "120"}],
                actor=people.official_user,
            )
        assert refused.value.field == "share_percent"


def test_a_relative_already_on_record_under_the_same_name_is_declared(people, client):
    colleague = people.other.person
    response = _declare(client, people, name="赵六", resident_id=colleague.resident_id)
    assert response.status_code == 302
    relation = RelatedPerson.objects.get(official=people.official, person=colleague)
    assert not relation.name_differs
    assert not RelatedPersonDeclaration.objects.get(official=people.official).name_differs
    assert Person.objects.get(pk=colleague.pk).name == "赵六"


def test_an_event_requests_checks_do_not_probe_the_records_ties(people, client):
    """The checks an official runs on a draft event request are shown to them: through a person declared
    under another name they name only the ties the official declared, so listing enterprises one by one does
    not tell which the number's holder is tied to; nor does the gate when the leader approves."""
    from qinqing.conduct.services import RecusalRequired, check_assignment

    from .test_activities import evaluate, rules_of

    colleague = people.other.person
    shares = factories.make_enterprise(name="赵氏控股有限公司")
    factories.make_link(person=colleague, enterprise=shares, kind=LinkKind.SHAREHOLDER, share_percent="30")
    _declare(client, people, name="张冒名", resident_id=colleague.resident_id)

    assert "conflict_of_interest" not in rules_of(evaluate(people, enterprises=[shares]))
    # the gate, when the leader approves, reads the same: the record's ties are not what 张三 declared
    check_assignment(
        official=people.official, enterprise=shares, matter_type="conduct.activity", matter_id="1",
        actor=people.leader_user,
    )
    with pytest.raises(RecusalRequired):  # a relative declared under the name of record: the record's ties
        check_assignment(
            official=people.official, enterprise=people.enterprise, matter_type="conduct.activity",
            matter_id="1", actor=people.leader_user,
        )
    # a relative declared under the name of record: the record's ties are theirs to see, as before
    assert "conflict_of_interest" in rules_of(evaluate(people, enterprises=[people.enterprise]))
