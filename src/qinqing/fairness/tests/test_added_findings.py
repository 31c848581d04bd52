"""A reviewer records a clause the rules missed (article 5): quoted from the document, confirmed as it is
added, audited, in the report, and counted in the rules' recall in practice for its kind."""

import pytest
from django.urls import reverse
from django.utils import translation

from qinqing.core.errors import ServiceError
from qinqing.core.models import AuditEvent
from qinqing.core.roles import Role
from qinqing.core.testing import make_user
from qinqing.fairness import extract, services
from qinqing.fairness.models import Decision, Finding, Review, Status

pytestmark = pytest.mark.django_db

# Clause (3) is a real clause of a 甘井子区 measure (real_policies.tsv, labelled location) that no rule flags
# as this is written; (1) and (2) are lawful standard conditions.
MEASURE = "\n".join(
    [
        "第三条 申报条件",
        "（一）具有独立法人资格、健全的财务制度；",
        "（二）近三年内无重大违法记录；",
        "（三）甘井子区外贸企业孵化基地或中国（大连）跨境电子商务综合试验区的入驻合同；其它区域内企业，须经区政府认定。",
    ]
)
MISSED = MEASURE.splitlines()[-1]


@pytest.fixture
def handler(client):
    user = make_user(Role.DEPARTMENT_HANDLER)
    client.force_login(user)
    return user


def _review(client) -> Review:
    response = client.post(
        reverse("fairness:review_new"), {"title": "外贸扶持办法", "document_kind": "policy", "text": MEASURE}
    )
    assert response.status_code == 302
    return Review.objects.get()


def _add(client, review, **fields):
    data = {
        "clause": MISSED,
        "kind": "location",
        "severity": "high",
        "note": "以入驻本区特定园区作为享受政策的条件，区外企业须另经认定",
        "suggestion": "删除入驻本区园区的条件，对符合条件的各类经营者一视同仁",
    }
    data.update(fields)
    return client.post(reverse("fairness:finding_add", args=[review.pk]), data)


def test_a_missed_clause_is_recorded_confirmed_audited_and_in_the_report(client, handler):
    review = _review(client)
    before = set(review.findings.values_list("pk", flat=True))
    # whitespace may differ from the stored text: the quote is compared without it
    response = _add(client, review, clause=MISSED.replace("；", "； "))
    assert response.status_code == 302
    added = Finding.objects.exclude(pk__in=before).get()
    assert added.rule is None and added.added_by_reviewer and added.kind == "location"
    assert added.decision == Decision.CONFIRMED and added.decided_by == handler and added.decided_at
    assert added.position == 4 and added.location  # the clause's number and place in the text
    # the basis is the one most location rules cite when the reviewer gives none
    assert added.basis == services.kind_basis("location") and "第五条" in added.basis
    event = AuditEvent.objects.get(action="fairness.finding.add")
    assert event.object_id == str(added.pk) and event.details["kind"] == "location"
    page = client.get(reverse("fairness:review_detail", args=[review.pk])).content.decode()
    assert 'data-source="reviewer"' in page and "审查人员补充：规则未标出" in page
    # the same clause with the same kind is refused; with another kind it is a second finding
    again = _add(client, review)
    assert again.status_code == 400 and "已有此类型的问题" in again.content.decode()
    assert Finding.objects.filter(rule__isnull=True).count() == 1
    # the rules' page counts it for its kind
    rules = client.get(reverse("fairness:rules")).content.decode()
    assert 'data-testid="kind-location"' in rules
    row = rules.split('data-testid="kind-location"')[1].split("</tr>")[0]
    assert "<td>1</td>" in row  # added by reviewers
    kinds = {row["kind"]: row for row in services.kind_recall()}
    assert kinds["location"]["added"] == 1
    # a document with a confirmed added finding cannot pass as it is
    for item in review.findings.filter(decision=Decision.PENDING):
        decide = reverse("fairness:finding_decide", args=[item.pk])
        client.post(decide, {"decision": "dismissed", "note": "合法"})
    client.post(reverse("fairness:review_conclude", args=[review.pk]), {"conclusion": "pass"})
    assert Review.objects.get().status == Status.OPEN
    client.post(reverse("fairness:review_conclude", args=[review.pk]), {"conclusion": "pass_after_changes"})
    assert Review.objects.get().status == Status.CONCLUDED
    word = client.get(reverse("fairness:review_docx", args=[review.pk]))
    _kind, blocks = extract.extract(word.content, "report.docx")
    text = "\n".join(block.text for block in blocks)
    assert "审查人员补充" in text and "入驻本区特定园区" in text
    pdf = client.get(reverse("fairness:review_pdf", args=[review.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    _kind, pages = extract.extract(pdf.content, "report.pdf")
    assert "审查人员补充" in "".join(block.text for block in pages).replace(" ", "")
    # signed off: nothing more can be added
    late = _add(client, review, kind="policy")
    assert late.status_code == 400 and "已签发" in late.content.decode()


def test_bad_input_is_a_400_naming_the_field_and_nothing_is_stored(client, handler):
    review = _review(client)
    count = Finding.objects.count()
    outside = _add(client, review, clause="投标人须在本市设立分公司。")
    assert outside.status_code == 400
    page = outside.content.decode()
    assert 'data-testid="error-clause"' in page and "不在文件文本中" in page
    # what was typed comes back
    assert "投标人须在本市设立分公司。" in outside.content.decode()
    no_reason = _add(client, review, note="")
    assert no_reason.status_code == 400 and 'data-testid="error-note"' in no_reason.content.decode()
    bad_kind = _add(client, review, kind="colour")
    assert bad_kind.status_code == 400 and 'data-testid="error-kind"' in bad_kind.content.decode()
    assert Finding.objects.count() == count
    with translation.override("en"), pytest.raises(ServiceError, match="not in the document") as error:
        services.finding_add(
            actor=handler, review=review, clause="别的文字",
            kind="scale", note="x", suggestion="y",
        )
    assert error.value.field == "clause" and error.value.code == "not_in_document"


def test_only_the_reviewing_office_may_add(client, handler):
    review = _review(client)
    other = make_user(Role.DEPARTMENT_HANDLER)
    client.force_login(other)
    assert _add(client, review).status_code == 404
    client.force_login(make_user(Role.ENTERPRISE_USER))
    assert _add(client, review).status_code in (403, 404)
    assert not Finding.objects.filter(rule__isnull=True).exists()
    with pytest.raises(ServiceError) as error:
        services.finding_add(
            actor=other, review=review, clause=MISSED, kind="location", note="x", suggestion="y"
        )
    assert error.value.code in ("forbidden", "not_found")


def test_an_added_clause_of_a_pdf_is_placed_by_chapter_and_item_without_a_page(client, handler):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from qinqing.fairness.tests import documents

    pdf = SimpleUploadedFile("tender.pdf", documents.pdf_bytes(pages=2))
    response = client.post(
        reverse("fairness:review_new"),
        {"title": "物业服务采购", "document_kind": "procurement", "document": pdf},
    )
    assert response.status_code == 302
    review = Review.objects.get()
    # the stored text keeps no page breaks: the place is the chapter and item path, never a made-up page
    added = services.finding_add(
        actor=handler, review=review, clause="4.投标人须在本市设有分公司或办事处。", kind="scale",
        note="要求设立分支机构变相提高经营规模门槛", suggestion="删除该项要求",
    )
    assert added.position > 0 and "第三章" in added.location and "页" not in added.location
    # the clause's rule finding of the same kind is decided on its own card, not recorded twice
    branch = review.findings.filter(rule__code="local-branch").order_by("position").first()
    assert branch.position == added.position  # the stored text splits as the file did (first of two pages)
    with pytest.raises(ServiceError) as twice:
        services.finding_add(
            actor=handler, review=review, clause="4.投标人须在本市设有分公司或办事处。", kind="location",
            note="x", suggestion="y",
        )
    assert twice.value.code == "duplicate"
    given = services.finding_add(
        actor=handler, review=review, clause="3.投标人注册资本不低于1000万元；", kind="ownership",
        note="x", suggestion="y", location="第2页 第三章 3",
    )
    assert given.location == "第2页 第三章 3"


def _sign_off(client, review):
    for item in review.findings.filter(decision=Decision.PENDING):
        decide = reverse("fairness:finding_decide", args=[item.pk])
        client.post(decide, {"decision": "dismissed", "note": "合法"})
    client.post(reverse("fairness:review_conclude", args=[review.pk]), {"conclusion": "pass_after_changes"})
    assert Review.objects.get(pk=review.pk).status == Status.CONCLUDED


def test_signed_off_reviews_download_as_a_labeled_set_the_score_command_reads(
    client, handler, tmp_path, capsys
):
    from django.core.management import call_command

    from qinqing.fairness import evaluation

    review = _review(client)
    # a quote of part of the clause: the set labels the whole clause it is in
    assert _add(client, review, clause=MISSED[4:40]).status_code == 302
    # before sign-off the review is not in the set
    empty = b"".join(client.get(reverse("fairness:labels")).streaming_content).decode()
    assert evaluation.read_labeled(empty) == []
    _sign_off(client, review)
    response = client.get(reverse("fairness:labels"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/tab-separated-values")
    assert "attachment" in response["Content-Disposition"]
    rows = evaluation.read_labeled(b"".join(response.streaming_content).decode())
    assert len(rows) == review.clause_count == 4
    labels = {clause: label for label, _source, clause in rows}
    assert labels[MISSED] == "location"
    assert labels["（二）近三年内无重大违法记录；"] == "lawful"
    assert all(source.startswith(review.number) for _label, source, _clause in rows)
    # another unit's reviewer does not get this office's decisions
    client.force_login(make_user(Role.DEPARTMENT_HANDLER))
    other = b"".join(client.get(reverse("fairness:labels")).streaming_content).decode()
    assert evaluation.read_labeled(other) == []
    # the command writes every signed-off review; score measures the rules on it
    out = tmp_path / "labels.tsv"
    call_command("fairness", "labels", "--out", str(out))
    assert "4 clauses of 1 signed-off reviews" in capsys.readouterr().out
    call_command("fairness", "score", str(out))
    printed = capsys.readouterr().out
    assert "4 clauses, 1 problematic, 3 lawful" in printed


def test_an_added_clause_becomes_a_rules_example_only_once_the_rule_flags_it(client, handler):
    from qinqing.fairness.models import Rule

    review = _review(client)
    assert _add(client, review).status_code == 302
    added = Finding.objects.get(rule__isnull=True)
    page = client.get(reverse("fairness:review_detail", args=[review.pk])).content.decode()
    assert f"?example={added.pk}" in page
    rules = client.get(reverse("fairness:rules"), {"example": added.pk}).content.decode()
    assert 'data-testid="example-banner"' in rules and "跨境电子商务综合试验区" in rules
    rule = Rule.objects.filter(kind="location", active=True).order_by("code").first()
    assert f"{reverse('fairness:rule_edit', args=[rule.pk])}?example={added.pk}" in rules
    # the edit page offers the clause as one more example the rule must flag
    edit = client.get(reverse("fairness:rule_edit", args=[rule.pk]), {"example": added.pk})
    assert edit.status_code == 200
    field = edit.context["form"]["positive_examples"].value()
    assert field.splitlines()[-1] == MISSED and field.startswith(rule.positive_examples.splitlines()[0])
    # saved as offered, the rule is refused: it does not flag the clause (nothing changes)
    data = {name: edit.context["form"][name].value() for name in edit.context["form"].fields}
    data["active"] = "on" if data["active"] else ""
    refused = client.post(reverse("fairness:rule_edit", args=[rule.pk]), data)
    assert refused.status_code == 400
    assert Rule.objects.get(pk=rule.pk).positive_examples == rule.positive_examples
    # a finding of the rules, or of another office, is not offered
    from qinqing.fairness.tests import documents

    tender = services.review_create(
        actor=handler, title="物业服务采购", document_kind="procurement", text=documents.plain_text()
    )
    flagged = tender.findings.filter(rule__isnull=False).first()
    assert client.get(reverse("fairness:rules"), {"example": flagged.pk}).status_code == 404
    assert client.get(reverse("fairness:rules"), {"example": "x"}).status_code == 404
    client.force_login(make_user(Role.DEPARTMENT_HANDLER))
    assert client.get(reverse("fairness:rules"), {"example": added.pk}).status_code == 404


def test_the_added_finding_reads_in_english_too(client, handler, settings):
    review = _review(client)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    refused = _add(client, review, clause="not in it")
    assert refused.status_code == 400
    assert "The quoted clause is not in the document" in refused.content.decode()
    assert _add(client, review).status_code == 302
    page = client.get(reverse("fairness:review_detail", args=[review.pk])).content.decode()
    assert "Location, local registration or branch (added by the reviewer: no rule flagged it)" in page
    assert "Add a clause the rules missed" in page and "Make it an example of a rule" in page
    rules = client.get(reverse("fairness:rules")).content.decode()
    assert "Recall in practice, by kind" in rules


def test_recall_in_practice_counts_a_clause_once_per_kind(client, handler):
    from qinqing.fairness.models import Rule

    review = _review(client)
    first, second = Rule.objects.filter(kind="scale", active=True).order_by("code")[:2]
    for rule in (first, second):  # two rules of one kind on one clause, both confirmed
        Finding.objects.create(
            review=review, rule=rule, position=2, clause="（一）具有独立法人资格、健全的财务制度；",
            location="", matched="", severity="medium", basis=rule.basis, suggestion=rule.suggestion,
            decision=Decision.CONFIRMED, decided_by=handler,
        )
    assert _add(client, review, kind="scale").status_code == 302
    row = {item["kind"]: item for item in services.kind_recall()}["scale"]
    assert (row["confirmed"], row["added"], row["recall"]) == (1, 1, 0.5)


def test_quotes_are_placed_on_the_clause_they_are_or_begin_in():
    from qinqing.fairness import clauses

    found = clauses.of_stored_text(MEASURE)
    assert [clause.location for clause in found][-1] == "第三条 › （三）"  # no page the stored text lacks
    quotes = [
        found[1].text,  # a whole clause
        "跨境电子商务综合试验区的入驻合同",  # inside one
        "无重大违法记录；（三）甘井子区",  # running on into the next
        "投标人须在本市设立分公司",  # in none
    ]
    assert clauses.place(found, quotes) == [1, 3, 2, None]


def test_the_labeled_set_reads_the_findings_in_one_query_whatever_the_number_of_reviews(
    handler, django_assert_max_num_queries
):
    from qinqing.fairness import evaluation

    def signed_off():
        review = services.review_create(
            actor=handler, title="外贸扶持办法", document_kind="policy", text=MEASURE
        )
        services.review_conclude(actor=handler, review=review, conclusion="pass")

    signed_off()
    with django_assert_max_num_queries(3):  # the reviews, their findings with the rules
        assert len(list(evaluation.labeled_lines(Review.objects.all()))) == 1 + 4
    signed_off()
    signed_off()
    with django_assert_max_num_queries(3):
        assert len(list(evaluation.labeled_lines(Review.objects.all()))) == 1 + 12
