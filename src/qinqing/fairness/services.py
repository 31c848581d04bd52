"""Fair-competition review (article 5): checking documents, reviews, decisions, sign-off, rules.

``check_upload``/``check_pasted`` read a document and answer its findings without writing
anything (the CLI and ``POST /api/v1/fairness/check``). ``review_create`` stores a review with its
findings; ``finding_decide`` records the reviewer's confirmation or dismissal; ``finding_add`` records
a clause the rules missed, quoted from the document; ``review_conclude``
signs the review off on the ``fairness.review`` workflow (通过 only when no finding is confirmed;
every finding decided first). ``rule_save`` is the admin's edit of a rule: the pattern must
compile and the rule must pass its own examples. Every write records an audit event.
"""

from __future__ import annotations

import hashlib
import re
import threading

from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from qinqing.core import audit, clock, letters, numbering, workflow
from qinqing.core.errors import ServiceError
from qinqing.core.limits import DESCRIPTION, PLACE, REASON, check_text
from qinqing.core.roles import has_role
from qinqing.core.workflow import ActorRule, Change, Transition, Workflow

from . import clauses as clause_splitter
from . import engine, extract, reports
from .models import Conclusion, Decision, Finding, Kind, Review, Rule, Severity, Status

ARTICLE = "5"
REVIEW_NUMBERS = numbering.Series("fairness.review", "公审〔{period}〕{number:04d}号", numbering.yearly)
PASTED_LIMIT = 2_000_000  # characters of pasted text (a 300-page document)

RULE_FIELDS = (
    "code",
    "kind",
    "title",
    "pattern",
    "requires",
    "excludes",
    "severity",
    "basis",
    "explanation",
    "suggestion",
    "positive_examples",
    "negative_examples",
    "active",
)

# --- the rules --------------------------------------------------------------------------------

_cache_lock = threading.Lock()
_cache: dict = {"key": None, "rules": []}


class NoRules(ServiceError):
    """No active rule: a document checked now would pass unexamined, so nothing is checked."""

    status = 503


def active_rules() -> list[engine.CompiledRule]:
    """The active rules compiled, recompiled when a rule changed (count, latest change, highest id).
    ``NoRules`` when there is none (never an empty check that reads as "no problem found")."""
    state = Rule.objects.filter(active=True).aggregate(n=Count("id"), latest=Max("updated_at"), top=Max("id"))
    if not state["n"]:
        raise NoRules(
            _(
                "No fair-competition rule is active: the document cannot be checked. Run the migrations "
                "or switch the rules on."
            ),
            code="no_rules",
        )
    key = (state["n"], state["latest"], state["top"])
    with _cache_lock:
        if _cache["key"] != key:
            _cache["rules"] = [engine.compile_rule(rule) for rule in Rule.objects.filter(active=True)]
            _cache["key"] = key
        return list(_cache["rules"])


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def rule_problems(rule: Rule) -> list[tuple[str, str]]:
    """(field, message) for each way ``rule`` is broken: a pattern that does not compile, an example
    it does not flag or a lawful example it flags."""
    problems = []
    for name in ("pattern", "requires", "excludes"):
        value = getattr(rule, name)
        if value:
            try:
                re.compile(value)
            except re.error as error:
                problems.append((name, _t("Not a valid regular expression: %(error)s") % {"error": error}))
    if problems:
        return problems
    compiled = engine.compile_rule(rule)
    if not _lines(rule.positive_examples):
        problems.append(("positive_examples", _t("Give at least one clause the rule must flag.")))
    for example in _lines(rule.positive_examples):
        if engine.matches(compiled, engine.normalise(example)) is None:
            problems.append(
                ("positive_examples", _t("The rule does not flag its example: %(text)s") % {"text": example})
            )
    others = [other for other in active_rules() if other.code != rule.code]
    for example in _lines(rule.negative_examples):
        normal = engine.normalise(example)
        flagged_by = [other.code for other in others if engine.matches(other, normal) is not None]
        if flagged_by:
            problems.append(
                (
                    "negative_examples",
                    _t("Rule %(rule)s flags this lawful example: %(text)s")
                    % {"rule": flagged_by[0], "text": example},
                )
            )
        if engine.matches(compiled, normal) is not None:
            problems.append(
                ("negative_examples", _t("The rule flags a lawful example: %(text)s") % {"text": example})
            )
    return problems


def rule_save(*, actor, rule: Rule) -> Rule:
    """Save an edited (or new) rule after checking it against its own examples; audited."""
    problems = rule_problems(rule)
    if problems:
        field, message = problems[0]
        raise ServiceError(message, code="rule_examples", field=field)
    before = None
    if rule.pk:
        before = audit.snapshot(Rule.objects.get(pk=rule.pk))
    with transaction.atomic():
        rule.save()
        audit.record_events(
            [
                {
                    "actor": actor,
                    "action": "fairness.rule.update" if before else "fairness.rule.create",
                    "instance": rule,
                    "before": before,
                    "details": {"article": ARTICLE},
                }
            ]
        )
    return rule


# --- checking ---------------------------------------------------------------------------------


def check_upload(data: bytes, filename: str = "") -> tuple[str, engine.Result]:
    """(format, result) of an uploaded file; ``extract.UnreadableDocument`` when it cannot be read."""
    kind, blocks = extract.extract(data, filename)
    return kind, engine.check_clauses(clause_splitter.split(blocks), active_rules())


def check_pasted(text: str) -> engine.Result:
    if len(text or "") > PASTED_LIMIT:
        raise extract.UnreadableDocument(
            _t("The text is longer than %(limit)d characters.") % {"limit": PASTED_LIMIT}
        )
    return engine.check_clauses(clause_splitter.split(extract.extract_text(text)), active_rules())


# --- reviews ----------------------------------------------------------------------------------


def reviewer_unit(user):
    from qinqing.directory.selectors import official_for_user

    official = official_for_user(user)
    return official.unit if official is not None else None


def may_review(user, review: Review) -> bool:
    from .access import REVIEWERS, SEES_ALL

    if has_role(user, *SEES_ALL):
        return True
    if not has_role(user, *REVIEWERS):
        return False
    if review.created_by_id == getattr(user, "pk", None):
        return True
    unit = reviewer_unit(user)
    return unit is not None and review.unit_id == unit.pk


REVIEWER = "reviewer"
REVIEW_WORKFLOW = Workflow(
    name="fairness.review",
    model=Review,
    actors={
        REVIEWER: ActorRule(
            may_review, roles=("department_handler", "administrator"), label=_("The reviewing office")
        )
    },
    transitions={
        "conclude": Transition(
            (Status.OPEN,),
            Status.CONCLUDED,
            (REVIEWER,),
            ARTICLE,
            requires={"conclusion": _("The conclusion")},
        ),
    },
)


def _unreadable(error: Exception, field: str = "document") -> ServiceError:
    return ServiceError(str(error), code="unreadable", field=field)


def review_create(
    *, actor, title: str, document_kind: str, data: bytes | None = None, filename: str = "", text: str = ""
) -> Review:
    """Read the document (a file, or pasted text), check it and store the review with its findings."""
    from .models import DocumentKind

    title = check_text(title, field="title", label=_t("Title"), limit=PLACE)
    if not title:
        raise ServiceError(_("Give the document a title."), code="required", field="title")
    if document_kind not in DocumentKind.values:
        raise ServiceError(_("Choose the kind of document."), code="invalid", field="document_kind")
    filename = check_text(filename, field="document", label=_t("File name"), limit=PLACE)
    try:
        if data:
            file_format, blocks = extract.extract(data, filename)
            raw = data
        elif text and text.strip():
            if len(text) > PASTED_LIMIT:
                raise extract.UnreadableDocument(
                    _t("The text is longer than %(limit)d characters.") % {"limit": PASTED_LIMIT}
                )
            file_format, blocks, raw = "text", extract.extract_text(text), text.encode("utf-8")
        else:
            raise ServiceError(_("Upload a document or paste its text."), code="required", field="document")
        found_clauses = clause_splitter.split(blocks)
    except extract.UnreadableDocument as error:
        raise _unreadable(error) from None
    result = engine.check_clauses(found_clauses, active_rules())
    now = clock.now()
    with transaction.atomic():
        review = Review.objects.create(
            number=numbering.take(REVIEW_NUMBERS, clock.local(now).date()).text,
            title=title,
            document_kind=document_kind,
            file_name=filename,
            file_format=file_format,
            file_sha256=hashlib.sha256(raw).hexdigest(),
            text="\n".join(block.text for block in blocks),
            clause_count=len(found_clauses),
            unit=reviewer_unit(actor),
            created_by=actor,
            created_at=now,
        )
        findings = Finding.objects.bulk_create(
            [
                Finding(
                    review=review,
                    rule_id=item.rule.rule_id,
                    position=item.clause.number,
                    clause=item.clause.text[:REASON],
                    location=item.clause.location[:300],
                    matched=item.matched[:300],
                    severity=item.rule.severity,
                    basis=item.rule.basis,
                    suggestion=item.rule.suggestion,
                )
                for item in result.findings
            ]
        )
        audit.record_event(
            actor=actor,
            action="fairness.review.create",
            instance=review,
            details={"article": ARTICLE, "findings": len(findings), "clauses": len(found_clauses)},
        )
        # One event per finding, written in bulk: a long document has thousands (a megabyte of repeated
        # discriminatory clauses: 17,000, 4.7 s as one event each through record_events)
        audit.record_bulk_events(
            actor=actor, action="fairness.finding.create", model=Finding,
            pks=[finding.pk for finding in findings],
        )
    return review


def finding_decide(*, actor, finding: Finding, decision: str, note: str = "") -> Finding:
    """Confirm or dismiss a finding (while the review is open); audited."""
    if decision not in (Decision.CONFIRMED, Decision.DISMISSED):
        raise ServiceError(_("Choose confirm or dismiss."), code="invalid", field="decision")
    note = check_text(note, field="note", label=_t("Note"), limit=DESCRIPTION)
    if decision == Decision.DISMISSED and not note:
        raise ServiceError(_("Say why the finding is dismissed."), code="required", field="note")
    with transaction.atomic():
        locked = Finding.objects.select_for_update().select_related("review").get(pk=finding.pk)
        if not may_review(actor, locked.review):
            raise ServiceError(_("You may not decide on this review."), code="forbidden", field="decision")
        if locked.review.status != Status.OPEN:
            raise ServiceError(
                _("The review is signed off; its findings can no longer be changed."),
                code="invalid_transition",
                field="decision",
            )
        before = audit.snapshot(locked)
        locked.decision = decision
        locked.note = note
        locked.decided_by = actor
        locked.decided_at = clock.now()
        locked.save(update_fields=["decision", "note", "decided_by", "decided_at"])
        audit.record_events(
            [
                {
                    "actor": actor,
                    "action": f"fairness.finding.{decision}",
                    "instance": locked,
                    "before": before,
                    "details": {
                        "article": ARTICLE,
                        "rule": locked.rule.code if locked.rule_id else "",
                        "kind": locked.kind,
                    },
                }
            ]
        )
    return locked


def kind_basis(kind: str) -> str:
    """The legal basis most of the kind's active rules cite: a reviewer's added finding cites it unless they
    give their own (the rules are data, so the basis is read from them, not written here again)."""
    from collections import Counter

    counts = Counter(Rule.objects.filter(kind=kind, active=True).values_list("basis", flat=True))
    return counts.most_common(1)[0][0] if counts else ""


def finding_add(
    *,
    actor,
    review: Review,
    clause: str,
    kind: str,
    note: str,
    suggestion: str,
    severity: str = Severity.MEDIUM,
    basis: str = "",
    location: str = "",
) -> Finding:
    """Record a clause of the document that no rule flagged (article 5): quoted from the document's text,
    with its kind, why it is discriminatory and how to reword it; confirmed as it is added (the reviewer
    found it), audited. Only on an open review, by someone who may decide on it."""
    clause = check_text(clause, field="clause", label=_t("Clause"), limit=REASON)
    if not clause:
        raise ServiceError(_("Quote the clause from the document."), code="required", field="clause")
    if kind not in Kind.values:
        raise ServiceError(_("Choose the kind of discrimination."), code="invalid", field="kind")
    if severity not in Severity.values:
        raise ServiceError(_("Choose a severity."), code="invalid", field="severity")
    note = check_text(note, field="note", label=_t("Why"), limit=DESCRIPTION)
    if not note:
        raise ServiceError(_("Say why the clause is discriminatory."), code="required", field="note")
    suggestion = check_text(suggestion, field="suggestion", label=_t("Suggested rewording"), limit=REASON)
    if not suggestion:
        raise ServiceError(_("Suggest how to reword the clause."), code="required", field="suggestion")
    basis = check_text(basis, field="basis", label=_t("Legal basis"), limit=REASON) or kind_basis(kind)
    if not basis:
        raise ServiceError(_("Give the legal basis."), code="required", field="basis")
    location = check_text(location, field="location", label=_t("Location"), limit=PLACE)
    with transaction.atomic():
        locked = Review.objects.select_for_update().get(pk=review.pk)
        if not may_review(actor, locked):
            raise ServiceError(_("You may not decide on this review."), code="forbidden", field="clause")
        if locked.status != Status.OPEN:
            raise ServiceError(
                _("The review is signed off; its findings can no longer be changed."),
                code="invalid_transition",
                field="clause",
            )
        if clause_splitter.squeezed(clause) not in clause_splitter.squeezed(locked.text):
            raise ServiceError(
                _("The quoted clause is not in the document's text: copy it from the document as it is."),
                code="not_in_document",
                field="clause",
            )
        found = clause_splitter.of_stored_text(locked.text)
        [at] = clause_splitter.place(found, [clause])
        where = found[at] if at is not None else None
        position = where.number if where is not None else 0
        if not location and where is not None:
            location = where.location
        same = Q(rule__isnull=True, kind=kind) | Q(rule__kind=kind)
        if position and Finding.objects.filter(same, review=locked, position=position).exists():
            # a rule's finding of this kind on the clause is decided on its card (a dismissal can be changed)
            raise ServiceError(
                _("This clause already has a finding of this kind: decide on that one."),
                code="duplicate",
                field="clause",
            )
        now = clock.now()
        finding = Finding.objects.create(
            review=locked,
            rule=None,
            kind=kind,
            position=position,
            clause=clause,
            location=location[:300],
            matched=clause[:300],
            severity=severity,
            basis=basis,
            suggestion=suggestion,
            decision=Decision.CONFIRMED,
            note=note,
            decided_by=actor,
            decided_at=now,
        )
        audit.record_events(
            [
                {
                    "actor": actor,
                    "action": "fairness.finding.add",
                    "instance": finding,
                    "details": {"article": ARTICLE, "kind": kind, "review": locked.number},
                }
            ]
        )
    return finding


def kind_recall() -> list[dict]:
    """Per kind, over every review's decided findings: the clauses the rules flagged and the reviewer
    confirmed, the clauses reviewers added because no rule flagged them, and the rules' recall in practice,
    confirmed / (confirmed + added). A clause counts once per kind however many rules of the kind flagged
    it. A clause no rule flagged and no reviewer recorded is counted nowhere, so this is an upper bound."""
    from collections import Counter

    decided = Finding.objects.filter(decision=Decision.CONFIRMED)
    confirmed = Counter(
        kind
        for kind, _review, _position in decided.filter(rule__isnull=False)
        .values_list("rule__kind", "review_id", "position")
        .order_by()
        .distinct()
    )
    added = Counter(
        kind
        for kind, _review, _position in decided.filter(rule__isnull=True)
        .values_list("kind", "review_id", "position")
        .order_by()
        .distinct()
    )
    rows = []
    for value, label in Kind.choices:
        found, missed = confirmed.get(value, 0), added.get(value, 0)
        rows.append(
            {
                "kind": value,
                "label": label,
                "confirmed": found,
                "added": missed,
                "recall": (found / (found + missed)) if (found + missed) else None,
            }
        )
    return rows


def review_conclude(*, actor, review: Review, conclusion: str, note: str = "") -> Review:
    """Sign the review off with its conclusion (fairness.review workflow: open → concluded)."""
    if conclusion and conclusion not in Conclusion.values:
        raise ServiceError(_("Choose a conclusion."), code="invalid", field="conclusion")
    note = check_text(note, field="conclusion_note", label=_t("Opinion"), limit=REASON)

    def apply(locked: Review) -> Change:
        counts = locked.findings.aggregate(
            pending=Count("id", filter=Q(decision=Decision.PENDING)),
            confirmed=Count("id", filter=Q(decision=Decision.CONFIRMED)),
        )
        if counts["pending"]:
            raise ServiceError(
                _("Confirm or dismiss every finding before signing off (%(count)d left)."),
                code="findings_pending",
                field="conclusion",
                params={"count": counts["pending"]},
            )
        if conclusion == Conclusion.PASS and counts["confirmed"]:
            raise ServiceError(
                _(
                    "A document with confirmed findings cannot pass as it is: choose "
                    "“passed after changes” or “not passed”."
                ),
                code="confirmed_findings",
                field="conclusion",
            )
        locked.conclusion = conclusion
        locked.conclusion_note = note
        locked.signed_by = actor
        locked.signed_at = clock.now()
        # the report is from the reviewing office as it is at the sign-off, whatever it is called later
        letters.keep_issuer(locked, reports.REPORT, locked.unit, actor=actor)
        return Change(
            ["conclusion", "conclusion_note", "signed_by", "signed_at"], details={"conclusion": conclusion}
        )

    return workflow.transition(
        REVIEW_WORKFLOW, review, "conclude", actor=actor, apply=apply, data={"conclusion": conclusion}
    )


def rule_precision() -> list[dict]:
    """Per rule: findings confirmed and dismissed by reviewers, and the precision over them."""
    rows = Rule.objects.annotate(
        confirmed=Count("findings", filter=Q(findings__decision=Decision.CONFIRMED)),
        dismissed=Count("findings", filter=Q(findings__decision=Decision.DISMISSED)),
        pending=Count("findings", filter=Q(findings__decision=Decision.PENDING)),
    ).order_by("kind", "code")
    table = []
    for rule in rows:
        decided = rule.confirmed + rule.dismissed
        table.append(
            {
                "rule": rule,
                "confirmed": rule.confirmed,
                "dismissed": rule.dismissed,
                "pending": rule.pending,
                "precision": (rule.confirmed / decided) if decided else None,
            }
        )
    return table
