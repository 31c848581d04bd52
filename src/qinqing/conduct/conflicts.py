"""Finding conflicts of interest (article 15 items 3, 4, 7). Pure reads.

Who counts: the official and their current related persons (spouse, children, children's
spouses, other specific relationships — ``directory.RelatedPerson`` not ended). What counts:
an open ``EnterpriseLink`` (shareholding, executive office, employment, legal
representative, declared interest) or being the enterprise's recorded legal representative.

How a directory person is matched to the official's side, strongest first:

1. the same ``Person`` row or the same resident-ID blind index ("ID match"): one natural
   person is one row, so this is the normal case;
2. the same name AND supporting evidence — the same date of birth, or the same mobile
   phone — and only when one side has no resident ID (two different IDs are two people).

A related person the official declared under a name that is not the name of record of the number's
holder (``RelatedPerson.declared_name``) is the relative the official named, not that person: through
such a relation ``find_conflicts`` counts the holdings the official declared for it (kept in their
declarations, never put on the person of record), not the record's ties or its name — the gate's refusals
and the official's own pages then tell the official nothing about the person of record they did not
declare, and their declaration changes nobody else's conflicts. The discipline office's district
screening (``screen``) goes by the number as well: it lists the record's ties through the relation, and
the declared holdings beside them.

Each ``Conflict`` keeps its evidence chain so a person can see why the link was made.
Two paths use the same rules: ``find_conflicts`` (a few indexed queries per official, used
on every assignment) and ``screen`` (one set-based SQL statement for the whole district,
driven by the trigger-maintained watch list ``ScreeningWatch`` — see models.py).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from decimal import Decimal

from django.db import connection, transaction
from django.utils.translation import gettext as _

from qinqing.core.crypto import date_token
from qinqing.directory.models import (
    Enterprise,
    EnterpriseLink,
    LinkKind,
    Official,
    Person,
    RelatedPerson,
    Relationship,
)

from .models import MatchMethod, ScreeningWatch

SELF = "self"


@dataclass(frozen=True)
class Conflict:
    official_id: int
    official_name: str
    relationship: str  # "self" or a directory Relationship value
    person_id: int
    person_name: str
    match: str  # MatchMethod value
    enterprise_id: int
    enterprise_name: str
    link_kind: str  # LinkKind value
    link_id: int | None = None  # None when the tie is Enterprise.legal_representative
    share_percent: str | None = None
    role: str = ""
    # person_name is the name the official declared a related person under (RelatedPerson.shown_name); when
    # that is not the name of record, record_name holds the latter — for the discipline office only
    # (directory.selectors.sees_record_names). Empty otherwise, and for ``screen``'s rows by the number.
    record_name: str = ""

    def relationship_label(self) -> str:
        if self.relationship == SELF:
            return _("themselves")
        try:
            return str(Relationship(self.relationship).label)
        except ValueError:
            return self.relationship

    def link_label(self) -> str:
        try:
            label = str(LinkKind(self.link_kind).label)
        except ValueError:
            label = self.link_kind
        if self.share_percent not in (None, ""):
            label = f"{label} {Decimal(self.share_percent).normalize():f}%"
        if self.role:
            label = f"{label}（{self.role}）"
        return label

    def evidence(self) -> str:
        """The evidence chain, e.g. "official 张三 → spouse 李四 (resident ID match) → shareholder 12.5% of 某公司"."""  # noqa: E501
        match = str(MatchMethod(self.match).label)
        if self.relationship == SELF:
            middle = _("official %(official)s (%(match)s)") % {"official": self.official_name, "match": match}
        else:
            middle = _("official %(official)s → %(relationship)s %(person)s (%(match)s)") % {
                "official": self.official_name,
                "relationship": self.relationship_label(),
                "person": self.person_name,
                "match": match,
            }
        return _("%(chain)s → %(link)s of %(enterprise)s") % {
            "chain": middle,
            "link": self.link_label(),
            "enterprise": self.enterprise_name,
        }

    def as_dict(self) -> dict:
        data = asdict(self)
        data["evidence"] = self.evidence()
        return data


def _share(value) -> str | None:
    return None if value is None else str(value)


# Every open tie of the given persons (by row, by resident-ID blind index, or by name for the
# name checks) and their legal representations, in ONE statement of index-driven branches; the
# rules are then applied in Python on these few rows. One raw statement instead of four ORM
# queries: building the ORM queries (default orderings join the enterprise for its name) cost
# more than running them, and this runs on every assignment.
_TIES_SQL = """
SELECT l.id, l.person_id, p.name, p.resident_id_index, p.birth_date, l.enterprise_id, e.name, l.kind, l.share_percent, l.role
  FROM {link} l JOIN {person} p ON p.id = l.person_id JOIN {enterprise} e ON e.id = l.enterprise_id
 WHERE l.end_date IS NULL AND l.person_id IN ({ids}) {link_enterprise}
UNION ALL
SELECT l.id, l.person_id, p.name, p.resident_id_index, p.birth_date, l.enterprise_id, e.name, l.kind, l.share_percent, l.role
  FROM {person} p JOIN {link} l ON l.person_id = p.id JOIN {enterprise} e ON e.id = l.enterprise_id
 WHERE l.end_date IS NULL AND (p.resident_id_index IN ({indexes}) OR p.name IN ({names})) AND p.id NOT IN ({ids}) {link_enterprise}
UNION ALL
SELECT NULL, e.legal_representative_id, p.name, p.resident_id_index, p.birth_date, e.id, e.name, 'legal_representative', NULL, ''
  FROM {enterprise} e JOIN {person} p ON p.id = e.legal_representative_id
 WHERE e.legal_representative_id IN ({ids}) {enterprise_enterprise}
"""  # noqa: E501


@dataclass(frozen=True)
class _Subject:
    person_id: int
    relationship: str
    name: str  # the name of record (the name checks match on it)
    resident_id_index: str
    birth_date: str | None  # the stored token (core.crypto.date_token), as the raw SQL reads it
    declared_name: str = ""  # the name the official declared them under, if they did
    relation_id: int | None = None  # the RelatedPerson row (None for the official themselves)
    # once declared under another name: some declared holdings may be the relation's alone (no link)
    own_holdings: bool = False

    @property
    def shown_name(self) -> str:
        return self.declared_name or self.name

    @property
    def declared_otherwise(self) -> bool:
        """Declared under another name than the name of record: counted by the declared holdings only."""
        return self.relationship != SELF and bool(self.declared_name) and self.declared_name != self.name

    def counted(self, holdings: list[dict]) -> list[dict]:
        """Of the holdings declared for this relation, those counted through it besides the person's ties:
        all of them when declared under another name; else those kept without a link on the person
        (declared when the name differed, the name of record corrected since)."""
        return holdings if self.declared_otherwise else [held for held in holdings if not held.get("link_id")]


def _subjects(official: Official) -> list[_Subject]:
    """The official's own person and their current related persons (no decryption: no phone here)."""
    subjects = [
        _Subject(
            official.person_id,
            SELF,
            official.person.name,
            official.person.resident_id_index,
            date_token(official.person.birth_date),
        )
    ]
    from django.db.models import Exists, OuterRef

    from .models import RelatedPersonDeclaration

    related = (
        RelatedPerson.objects.filter(official_id=official.pk, end_date__isnull=True)
        .order_by()
        .annotate(
            own_holdings=Exists(
                RelatedPersonDeclaration.objects.filter(related_person_id=OuterRef("pk"), name_differs=True)
            )
        )
        .values_list(
            "person_id",
            "relationship",
            "person__name",
            "person__resident_id_index",
            "person__birth_date",
            "declared_name",
            "pk",
            "own_holdings",
        )
    )
    subjects.extend(
        _Subject(person_id, relationship, name, index, date_token(birth), declared, relation_id, own)
        for person_id, relationship, name, index, birth, declared, relation_id, own in related
    )
    return subjects


def declared_holdings(relation_ids, *, enterprise_id: int | None = None) -> dict[int, list[dict]]:
    """The holdings declared for each relation given (RelatedPerson ids), from its declarations: the latest
    declared per enterprise, each with the enterprise's ``enterprise_name``. Two queries, none without ids."""
    from .models import RelatedPersonDeclaration

    relation_ids = list(relation_ids)
    if not relation_ids:
        return {}
    latest: dict[tuple[int, int], dict] = {}
    rows = (
        RelatedPersonDeclaration.objects.filter(related_person_id__in=relation_ids)
        .order_by("declared_on", "pk")
        .values_list("related_person_id", "holdings")
    )
    for relation_id, holdings in rows:
        for holding in holdings or []:
            if holding.get("enterprise_id") and enterprise_id in (None, holding["enterprise_id"]):
                latest[(relation_id, holding["enterprise_id"])] = holding
    enterprises = Enterprise.objects.filter(pk__in={key[1] for key in latest}).order_by()
    names = dict(enterprises.values_list("pk", "name")) if latest else {}
    found: dict[int, list[dict]] = {}
    for (relation_id, held_id), holding in latest.items():
        if held_id in names:
            found.setdefault(relation_id, []).append(holding | {"enterprise_name": names[held_id]})
    return found


def _phones(person_ids) -> dict[int, str]:
    """Decrypted phone numbers, fetched only when a same-name candidate needs the phone check."""
    return dict(Person.objects.filter(pk__in=list(person_ids)).order_by().values_list("pk", "phone"))


def find_conflicts(
    *, official: Official, enterprise: Enterprise | None = None, record_ties: bool = False
) -> list[Conflict]:
    """Every conflict between ``official`` (and their related persons) and ``enterprise``
    (or any enterprise). Two queries (subjects, then one statement for all ties; a third only
    for the phone check of a same-name candidate); ordered and de-duplicated. Through a relative
    declared under another name than the name of record, the holdings declared for them (two more
    queries), and with ``record_ties`` (the discipline office's view only) the record's ties too."""
    if not Official.person.is_cached(official):
        official = Official.objects.select_related("person").get(pk=official.pk)
    every_subject = _subjects(official)
    with_own_holdings = [s for s in every_subject if s.own_holdings or s.declared_otherwise]
    # matched by the number or the name of record: everyone but those declared under another name, unless
    # the discipline office asks for the record's ties as well
    subjects = [subject for subject in every_subject if record_ties or not subject.declared_otherwise]
    by_person_id = {subject.person_id: subject for subject in subjects}
    by_index = {subject.resident_id_index: subject for subject in subjects if subject.resident_id_index}
    tables = _tables()
    ids = list(by_person_id)
    indexes = list(by_index) or [""]  # '' never matches a subject: they are excluded by id
    names = sorted({subject.name for subject in subjects})
    link_enterprise = enterprise_enterprise = ""

    def placeholders(values) -> str:
        return ", ".join(["%s"] * len(values))

    if enterprise is not None:
        link_enterprise = "AND l.enterprise_id = %s"
        enterprise_enterprise = "AND e.id = %s"
    sql = _TIES_SQL.format(
        ids=placeholders(ids),
        indexes=placeholders(indexes),
        names=placeholders(names),
        link_enterprise=link_enterprise,
        enterprise_enterprise=enterprise_enterprise,
        **tables,
    )
    params = [*ids] + ([enterprise.pk] if enterprise is not None else [])
    params += [*indexes, *names, *ids] + ([enterprise.pk] if enterprise is not None else [])
    params += [*ids] + ([enterprise.pk] if enterprise is not None else [])
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        ties = cursor.fetchall()

    found: dict[tuple, Conflict] = {}

    def add(subject: _Subject, match: str, tie: tuple) -> None:
        link_id, _person_id, _name, _index, _birth, enterprise_id, enterprise_name, kind, share, role = tie
        key = (subject.person_id, enterprise_id, kind, link_id)
        if key in found:
            return
        found[key] = Conflict(
            official_id=official.pk,
            official_name=official.person.name,
            relationship=subject.relationship,
            person_id=subject.person_id,
            person_name=subject.shown_name,
            match=str(match),
            enterprise_id=enterprise_id,
            enterprise_name=enterprise_name,
            link_kind=kind,
            link_id=link_id,
            share_percent=_share(share),
            role=role or "",
            record_name=subject.name if subject.shown_name != subject.name else "",
        )

    name_candidates = []
    for tie in ties:
        person_id, _name, index = tie[1], tie[2], tie[3]
        subject = by_person_id.get(person_id) or (by_index.get(index) if index else None)
        if subject is not None:
            # 1. Same person row, or the same resident-ID blind index.
            add(
                subject,
                MatchMethod.RESIDENT_ID if subject.resident_id_index else MatchMethod.SAME_PERSON,
                tie,
            )
        else:
            name_candidates.append(tie)
    # 2. Same name with supporting evidence, only where one side has no resident ID (two IDs: two people).
    phones: dict[int, str] | None = None
    for tie in name_candidates:
        other_id, other_name, other_index, other_birth = tie[1], tie[2], tie[3], tie[4]
        for subject in subjects:
            if subject.name != other_name or (subject.resident_id_index and other_index):
                continue
            if subject.birth_date and other_birth == subject.birth_date:
                add(subject, MatchMethod.NAME_BIRTH_DATE, tie)
                continue
            if phones is None:
                phones = _phones({candidate[1] for candidate in name_candidates} | set(by_person_id))
            if phones.get(subject.person_id) and phones.get(other_id) == phones.get(subject.person_id):
                add(subject, MatchMethod.NAME_PHONE, tie)
    # 3. Declared under another name: the holdings the official declared for that relation, and only those.
    if with_own_holdings:
        held = declared_holdings(
            [subject.relation_id for subject in with_own_holdings],
            enterprise_id=enterprise.pk if enterprise is not None else None,
        )
        for subject in with_own_holdings:
            for holding in subject.counted(held.get(subject.relation_id, [])):
                conflict = _declared_conflict(official.pk, official.person.name, subject, holding)
                key = (subject.person_id, conflict.enterprise_id, conflict.link_kind, conflict.link_id)
                found.setdefault(key, conflict)
    return sorted(
        found.values(),
        key=lambda c: (c.enterprise_name, c.relationship != SELF, c.person_name, c.link_kind, c.link_id or 0),
    )


def _declared_conflict(official_id: int, official_name: str, subject: _Subject, holding: dict) -> Conflict:
    """A holding declared for a relation declared under another name than the name of record, as a conflict
    through that relation (under the declared name)."""
    return Conflict(
        official_id=official_id,
        official_name=official_name,
        relationship=subject.relationship,
        person_id=subject.person_id,
        person_name=subject.shown_name,
        match=str(MatchMethod.DECLARED),
        enterprise_id=holding["enterprise_id"],
        enterprise_name=holding["enterprise_name"],
        link_kind=str(LinkKind.DECLARED_INTEREST),
        link_id=holding.get("link_id"),
        share_percent=holding.get("share_percent") or None,
        role=holding.get("role", ""),
        record_name=subject.name if subject.declared_otherwise else "",
    )


# --- set-based screening of the whole district -----------------------------------------------------
def _tables() -> dict[str, str]:
    from qinqing.core.models import AuditEvent

    return {
        "official": Official._meta.db_table,
        "related": RelatedPerson._meta.db_table,
        "person": Person._meta.db_table,
        "link": EnterpriseLink._meta.db_table,
        "enterprise": Enterprise._meta.db_table,
        "audit": AuditEvent._meta.db_table,
        "watch": ScreeningWatch._meta.db_table,
    }


# One statement of eight small branches, each a plain chain of joins that an index drives
# (SQLite has no hash join). The branches are written out rather than sharing a compound CTE:
# SQLite materialises a UNION CTE once and, where it is read a second time, assumes it is huge
# and scans the 200k related persons to build a Bloom filter (16 ms of a 40 ms statement).
# - exact (4 branches: links / legal representations × the official themselves / a related
#   person): driven by the watch list (``ScreeningWatch``, a few thousand rows at district scale,
#   kept by database triggers; see models.py). Each watched link or enterprise is read by primary
#   key and its person looked up in the official and related-person indexes on person_id. The
#   watch list is a superset, so EVERY condition is re-checked here against the real tables:
#   link open, the link (or the enterprise's legal representative) still that person, official
#   in office, relationship not ended. Driving these from the 250k officials and relatives
#   instead (one link-index probe each) took 0.6 s on SQLite and 2.4 s on PostgreSQL;
# - name + date of birth (4 branches): driven by the FEW persons without a resident ID (``np``,
#   index on resident_id_index = ''), matched to their namesakes (``other``) by the name index.
#   Either the namesake is the official-side person and ``np`` holds the link (namesakes WITH a
#   resident ID only, so that a pair of two persons without one is counted once, by the other
#   case), or ``np`` is the official-side person and the namesake holds the link;
# - names of the (few) matches are looked up by primary key per result row (each branch carries
#   the official's person id, so the official's name costs one look-up). PostgreSQL cannot know
#   that subjects rarely hold links and would hash all 1.5M persons and 1M enterprises just to
#   name ~1,000 rows, which is why ``screen_rows`` lets it run nested loops only.
SCREEN_SQL = """
WITH matches AS (
    SELECT o.id AS official_id, o.person_id AS official_person_id, 'self' AS relationship, l.person_id AS person_id, l.id AS link_id, l.enterprise_id,
           l.kind, l.share_percent, l.role, 'exact' AS match
      FROM {watch} w JOIN {link} l ON l.id = w.link_id
      JOIN {official} o ON o.person_id = l.person_id
     WHERE l.end_date IS NULL AND o.is_active {exact_link_filter}
    UNION ALL
    SELECT r.official_id, o.person_id, r.relationship, l.person_id, l.id, l.enterprise_id, l.kind, l.share_percent, l.role, 'exact'
      FROM {watch} w JOIN {link} l ON l.id = w.link_id
      JOIN {related} r ON r.person_id = l.person_id JOIN {official} o ON o.id = r.official_id
     WHERE l.end_date IS NULL AND r.end_date IS NULL AND o.is_active {exact_link_filter}
    UNION ALL
    SELECT o.id, o.person_id, 'self', e.legal_representative_id, NULL, e.id, 'legal_representative', NULL, '', 'exact'
      FROM {watch} w JOIN {enterprise} e ON e.id = w.enterprise_id
      JOIN {official} o ON o.person_id = e.legal_representative_id
     WHERE o.is_active {enterprise_filter}
    UNION ALL
    SELECT r.official_id, o.person_id, r.relationship, e.legal_representative_id, NULL, e.id, 'legal_representative', NULL, '', 'exact'
      FROM {watch} w JOIN {enterprise} e ON e.id = w.enterprise_id
      JOIN {related} r ON r.person_id = e.legal_representative_id JOIN {official} o ON o.id = r.official_id
     WHERE r.end_date IS NULL AND o.is_active {enterprise_filter}
    UNION ALL
    SELECT o.id, o.person_id, 'self', other.id, l.id, l.enterprise_id, l.kind, l.share_percent, l.role, 'name_birth_date'
      FROM {person} np
      JOIN {person} other ON other.name = np.name AND other.birth_date = np.birth_date AND other.id <> np.id
      JOIN {official} o ON o.person_id = other.id
      JOIN {link} l ON l.person_id = np.id
     WHERE np.resident_id_index = '' AND other.resident_id_index <> '' AND o.is_active AND l.end_date IS NULL
           {named_link_filter_other}
    UNION ALL
    SELECT r.official_id, o.person_id, r.relationship, other.id, l.id, l.enterprise_id, l.kind, l.share_percent, l.role, 'name_birth_date'
      FROM {person} np
      JOIN {person} other ON other.name = np.name AND other.birth_date = np.birth_date AND other.id <> np.id
      JOIN {related} r ON r.person_id = other.id JOIN {official} o ON o.id = r.official_id
      JOIN {link} l ON l.person_id = np.id
     WHERE np.resident_id_index = '' AND other.resident_id_index <> '' AND r.end_date IS NULL AND o.is_active
           AND l.end_date IS NULL {named_link_filter_other}
    UNION ALL
    SELECT o.id, o.person_id, 'self', np.id, l.id, l.enterprise_id, l.kind, l.share_percent, l.role, 'name_birth_date'
      FROM {person} np
      JOIN {official} o ON o.person_id = np.id
      JOIN {person} other ON other.name = np.name AND other.birth_date = np.birth_date AND other.id <> np.id
      JOIN {link} l ON l.person_id = other.id
     WHERE np.resident_id_index = '' AND o.is_active AND l.end_date IS NULL {named_link_filter_np}
    UNION ALL
    SELECT r.official_id, o.person_id, r.relationship, np.id, l.id, l.enterprise_id, l.kind, l.share_percent, l.role, 'name_birth_date'
      FROM {person} np
      JOIN {related} r ON r.person_id = np.id JOIN {official} o ON o.id = r.official_id
      JOIN {person} other ON other.name = np.name AND other.birth_date = np.birth_date AND other.id <> np.id
      JOIN {link} l ON l.person_id = other.id
     WHERE np.resident_id_index = '' AND r.end_date IS NULL AND o.is_active AND l.end_date IS NULL {named_link_filter_np}
)
SELECT m.official_id, op.name, m.relationship, m.person_id, sp.name, sp.resident_id_index, m.match, m.enterprise_id,
       (SELECT e.name FROM {enterprise} e WHERE e.id = m.enterprise_id), m.kind, m.link_id, m.share_percent, m.role
  FROM matches m JOIN {person} op ON op.id = m.official_person_id JOIN {person} sp ON sp.id = m.person_id
 ORDER BY m.official_id, m.enterprise_id, m.person_id, m.kind, m.link_id, m.relationship, m.match
"""  # noqa: E501


# Incremental mode: only links/enterprises with audit events after ``since``, and every link of a
# person whose related-person record changed since then. ``{subject}`` is the id of the branch's
# official-side person.
INCREMENTAL_LINK_FILTER = (
    "AND (l.id IN (SELECT CAST(a.object_id AS INTEGER) FROM {audit} a WHERE a.object_type = %s "
    "AND a.occurred_at > %s)"
    " OR {subject} IN (SELECT r2.person_id FROM {related} r2 WHERE r2.id IN"
    " (SELECT CAST(a.object_id AS INTEGER) FROM {audit} a WHERE a.object_type = %s AND a.occurred_at > %s)))"
)
INCREMENTAL_ENTERPRISE_FILTER = (
    "AND e.id IN (SELECT CAST(a.object_id AS INTEGER) FROM {audit} a WHERE a.object_type = %s AND "
    "a.occurred_at > %s)"
)


# The watch list as it would be rebuilt: every link and every represented enterprise of a person
# who is, or was, an official's or a related person's person (whatever the dates and states:
# those are re-checked by SCREEN_SQL). Driven by the distinct persons through the person_id and
# legal_representative_id indexes. Migration 0002 holds a frozen copy for its backfill.
WATCH_LINKS_SQL = """
SELECT l.id FROM (SELECT person_id FROM {official} UNION SELECT person_id FROM {related}) s
  JOIN {link} l ON l.person_id = s.person_id
"""
WATCH_ENTERPRISES_SQL = """
SELECT e.id FROM (SELECT person_id FROM {official} UNION SELECT person_id FROM {related}) s
  JOIN {enterprise} e ON e.legal_representative_id = s.person_id
"""


def watch_statements() -> dict[str, str]:
    """The two halves of the rebuilt watch list, by the watch column they fill."""
    tables = _tables()
    return {
        "link_id": WATCH_LINKS_SQL.format(**tables),
        "enterprise_id": WATCH_ENTERPRISES_SQL.format(**tables),
    }


def screen_statement(*, since=None) -> tuple[str, list]:
    """The screening statement and its parameters (full, or incremental from ``since``)."""
    tables = _tables()
    params: list = []
    filters = dict.fromkeys(
        ("exact_link_filter", "enterprise_filter", "named_link_filter_other", "named_link_filter_np"), ""
    )
    if since is not None:
        filters = {
            "exact_link_filter": INCREMENTAL_LINK_FILTER.format(subject="l.person_id", **tables),
            "enterprise_filter": INCREMENTAL_ENTERPRISE_FILTER.format(**tables),
            "named_link_filter_other": INCREMENTAL_LINK_FILTER.format(subject="other.id", **tables),
            "named_link_filter_np": INCREMENTAL_LINK_FILTER.format(subject="np.id", **tables),
        }
        link_params = [EnterpriseLink._meta.label, since, RelatedPerson._meta.label, since]
        enterprise_params = [Enterprise._meta.label, since]
        # Placeholders appear in branch order: 2 watched-link branches, 2 watched-enterprise
        # branches, 4 name-matched-link branches.
        params = link_params * 2 + enterprise_params * 2 + link_params * 4
    sql = SCREEN_SQL.format(**filters, **tables)
    return sql, params


def use_nested_loops(cursor) -> None:
    """Let PostgreSQL run the screening statement with nested loops only, for this transaction.

    Every branch is driven by a few rows through indexes, so only nested loops make sense.
    PostgreSQL cannot know how sparse the matches are: at district scale it chose a merge join
    that walked all 3M links in id order (5 s instead of 25 ms), and it starts parallel workers
    that cost more than the whole statement. Nothing to do on SQLite (no hash or merge joins).
    """
    if cursor.db.vendor == "postgresql":
        cursor.execute(
            "SELECT set_config('enable_mergejoin', 'off', true), set_config('enable_hashjoin', 'off', true),"
            " set_config('max_parallel_workers_per_gather', '0', true)"
        )


def screen_rows(*, since=None) -> list[tuple]:
    """The raw rows of the screening statement (no Python objects built): timed on its own by the benchmark."""  # noqa: E501
    sql, params = screen_statement(since=since)
    with transaction.atomic(), connection.cursor() as cursor:
        use_nested_loops(cursor)
        cursor.execute(sql, params)
        return cursor.fetchall()


def declared_otherwise_conflicts(*, since=None) -> list[Conflict]:
    """The holdings declared for the current relations of officials in office that were declared under a
    name that is not the name of record, as conflicts through those relations (``find_conflicts``' third
    rule, ``_Subject.counted``, for the whole district). Driven by the few declarations whose name differed
    (a partial index); with ``since``, only relations declared on that day or later."""
    from qinqing.core import clock

    from .models import RelatedPersonDeclaration

    differed = RelatedPersonDeclaration.objects.filter(name_differs=True)
    if since is not None:
        differed = differed.filter(declared_on__gte=clock.local(clock.aware(since)).date())
    relations = list(
        RelatedPerson.objects.filter(
            pk__in=differed.order_by().values("related_person_id"),
            end_date__isnull=True,
            official__is_active=True,
        )
        .order_by()
        .values_list(
            "pk", "official_id", "official__person__name", "relationship", "person_id", "person__name",
            "declared_name",
        )
    )
    held = declared_holdings([row[0] for row in relations])
    conflicts = []
    for relation_id, official_id, official_name, relationship, person_id, name, declared_name in relations:
        subject = _Subject(person_id, relationship, name, "", None, declared_name, relation_id, True)
        conflicts.extend(
            _declared_conflict(official_id, official_name, subject, holding)
            for holding in subject.counted(held.get(relation_id, []))
        )
    return conflicts


def screen(*, since=None) -> list[Conflict]:
    """Every conflict in the district in one set-based query. With ``since`` (a datetime),
    only links and enterprises whose audit events are newer — plus every link of a person
    whose related-person record changed — are screened (incremental mode). Evidence text is
    not built here: ``Conflict.evidence()`` composes it when a conflict is shown. The holdings
    declared for relatives declared under another name than the name of record come beside the
    record's ties, in the same order (``declared_otherwise_conflicts``)."""
    conflicts: list[Conflict] = []
    for (
        official_id,
        official_name,
        relationship,
        person_id,
        person_name,
        resident_id_index,
        match,
        enterprise_id,
        enterprise_name,
        kind,
        link_id,
        share,
        role,
    ) in screen_rows(since=since):
        if match == "exact":
            match = MatchMethod.RESIDENT_ID if resident_id_index else MatchMethod.SAME_PERSON
        conflicts.append(
            Conflict(
                official_id=official_id,
                official_name=official_name,
                relationship=relationship,
                person_id=person_id,
                person_name=person_name,
                match=str(match),
                enterprise_id=enterprise_id,
                enterprise_name=enterprise_name,
                link_kind=kind,
                link_id=link_id,
                share_percent=_share(share),
                role=role or "",
            )
        )
    declared = declared_otherwise_conflicts(since=since)
    if declared:
        # a stable sort: the statement's own order (its link ids' NULLs included) is kept among equal keys
        conflicts.extend(declared)
        conflicts.sort(key=lambda c: (c.official_id, c.enterprise_id, c.person_id, c.link_kind))
    return conflicts
