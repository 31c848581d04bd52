"""Eligibility (article 21): may this enterprise or person take part in this activity today?

``eligibility`` is the one call every module makes (conduct's pre-approval, the API, later
modules). It reads the restrictions in force on the day (``core.clock``: a restriction that
ended yesterday or starts tomorrow does not count, with no job needed), counts the
restrictions of an enterprise's head (its legal representative in the directory) against the
enterprise for the same activities, and logs every answer in ``EligibilityCheck`` with a
keyed digest, so that ``verify_check`` can show later what was answered and when.

A name alone (the fallback) is matched against the listed parties and the directory after
normalisation (``integrity.names``); the answer carries the candidates with scores and
reasons, and is never a silent "eligible" while a listed party resembles the name.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import secrets
import threading
import uuid
from dataclasses import dataclass, field

from django.db import DatabaseError, connection
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from qinqing.core import clock, db
from qinqing.core.crypto import blind_index, hmac_sm3_hex
from qinqing.core.errors import ServiceError
from qinqing.core.identifiers import mask_resident_id
from qinqing.directory.models import Enterprise

from .. import names
from ..models import CATEGORY_OF, Activity, EligibilityCheck, Listing, ListingStatus, Restriction
from ._party import clean_id_number, clean_uscc

BATCH_LIMIT = 500
NAME_CANDIDATE_LIMIT = 10
CATEGORY_NUMERALS = {1: "(一)", 2: "(二)", 3: "(三)"}
_ACTIVITIES = frozenset(Activity.values)


def parse_activity(value: str | None) -> str:
    """An activity code ('' = any activity); unknown codes are refused naming the field."""
    value = (value or "").strip()
    if value and value not in _ACTIVITIES:
        raise ServiceError(
            _("Unknown activity %(activity)s; use one of: %(allowed)s."),
            code="unknown_activity",
            field="activity",
            params={"activity": value, "allowed": ", ".join(Activity.values)},
        )
    return value


@dataclass
class EligibilityAnswer:
    eligible: bool
    restrictions: list[dict]
    check_id: str
    checked_at: datetime.datetime
    query_kind: str
    query: str
    activity: str
    certain: bool = True
    party: dict | None = None
    candidates: list[dict] = field(default_factory=list)
    note: str = ""
    json_text: str = ""  # the answer as JSON text, as logged (set when it is logged)

    def as_dict(self) -> dict:
        return {
            "eligible": self.eligible,
            "restrictions": self.restrictions,
            "check_id": self.check_id,
            "checked_at": self.checked_at.isoformat(),
            "activity": self.activity or None,
            "query_kind": self.query_kind,
            "query": self.query,
            "certain": self.certain,
            "party": self.party,
            "candidates": self.candidates,
            "note": self.note,
        }


# --- reading the restrictions in force ----------------------------------------------------------------------
def _in_force(day: datetime.date, activity: str):
    # The listing's status is not read: revoking or removing a listing lifts its restrictions from that day
    # (``lifted_on``), so an answer for an earlier day stays what it was.
    query = Restriction.objects.filter(start__lte=day, end__gte=day).filter(
        Q(lifted_on__isnull=True) | Q(lifted_on__gt=day))
    return query.filter(activity=activity) if activity else query


def _rows(day: datetime.date, activity: str, *, usccs=(), id_indexes=()) -> list[dict]:
    usccs, id_indexes = [u for u in usccs if u], [i for i in id_indexes if i]
    if not usccs and not id_indexes:
        return []
    party = Q()
    if usccs:
        party |= Q(listing__uscc__in=usccs)
    if id_indexes:
        party |= Q(listing__id_index__in=id_indexes)
    return list(
        _in_force(day, activity)
        .filter(party)
        .order_by("activity", "start")
        .values(
            "activity",
            "start",
            "end",
            "listing__number",
            "listing__article",
            "listing__kind",
            "listing__name",
            "listing__uscc",
            "listing__id_index",
        )
    )


def _restriction_out(row: dict, *, via_head: bool) -> dict:
    article = row["listing__article"]
    word = _t("article")  # not inside the f-string: makemessages reads it
    basis = f"{row['listing__number']} · {word} {article}{CATEGORY_NUMERALS[CATEGORY_OF[row['activity']]]}"
    if via_head:
        basis += " · " + _t("the enterprise's head %(name)s is listed") % {"name": row["listing__name"]}
    return {
        "activity": row["activity"],
        "start": row["start"].isoformat(),
        "end": row["end"].isoformat(),
        "basis": basis,
        "listing": row["listing__number"],
        "via_head": via_head,
    }


_ENTERPRISE_SQL: dict[tuple[str, str, str], str] = {}


_PLACEHOLDER: dict[str, str] = {}


def _array_placeholder() -> str:
    """``%b`` (sent in binary) for the array parameters of a batch where ``core.db.execute`` binds on the
    server (prepared statements, PostgreSQL): the text form escapes every element with a regular expression,
    25 ms of a 500-party batch's log; ``%s`` elsewhere. Settings do not change while a process runs."""
    if connection.vendor not in _PLACEHOLDER:
        prepared = connection.vendor == "postgresql" and (
            connection.settings_dict["OPTIONS"].get("prepare_threshold") is not None
        )
        _PLACEHOLDER[connection.vendor] = "%b" if prepared else "%s"
    return _PLACEHOLDER[connection.vendor]


def _enterprise_sql(vendor: str, codes: str) -> str:
    """One statement for enterprises by code: each enterprise and its head from the directory, and the
    restrictions in force of the enterprise's own listings and of its head's. ``codes`` is how the codes are
    given: ``"one"`` (a single ``%s``: the hot path), ``"array"`` (PostgreSQL, one array parameter: a batch of
    any size is one prepared statement) or a number of ``%s`` (other databases). Own listings by code and the
    head's by ID index are separate index lookups (one OR over both columns made PostgreSQL scan every
    listing), and their restrictions follow by (listing, activity): a batch is as many index probes as it
    has parties, never a scan. Rows: ``('e', code, name, head, …)`` per enterprise in the directory and
    ``('r', code, activity, listing number, start, end, article, listing name, 'own'|'head')``."""
    key = (vendor, codes, _array_placeholder())
    if key not in _ENTERPRISE_SQL:
        from qinqing.directory.models import Person

        q = connection.ops.quote_name
        enterprise, person = q(Enterprise._meta.db_table), q(Person._meta.db_table)
        listing, restriction = q(Listing._meta.db_table), q(Restriction._meta.db_table)
        match = {"one": "= %s", "array": f"= ANY({_array_placeholder()}::text[])"}.get(codes) or (
            f"IN ({', '.join(['%s'] * int(codes))})"
        )
        _ENTERPRISE_SQL[key] = (
            f"WITH ent AS (SELECT e.uscc AS uscc, e.name AS name, COALESCE(p.name, '') AS head, "  # noqa: S608
            f"COALESCE(p.resident_id_index, '') AS idx "
            f"FROM {enterprise} e LEFT JOIN {person} p ON p.id = e.legal_representative_id "
            f"WHERE e.uscc {match}), "
            f"lst AS (SELECT l.id, l.uscc AS code, l.number, l.article, l.name, 'own' AS via "
            f"FROM {listing} l "
            f"WHERE l.uscc {match} "
            f"UNION ALL SELECT l.id, ent.uscc, l.number, l.article, l.name, 'head' FROM {listing} l "
            f"JOIN ent ON l.id_index = ent.idx WHERE ent.idx <> '') "
            f"SELECT 'e', uscc, name, head, NULL, NULL, '', '', '' FROM ent "
            f"UNION ALL "
            f"SELECT 'r', lst.code, r.activity, lst.number, r.start, r.\"end\", lst.article, lst.name, "
            f"lst.via "
            f"FROM lst JOIN {restriction} r ON r.listing_id = lst.id "
            f'WHERE r.start <= %s AND r."end" >= %s AND (r.lifted_on IS NULL OR r.lifted_on > %s) '
            f"AND (r.activity = %s OR %s = '')"
        )  # table names from model metadata only; every value is a parameter
    return _ENTERPRISE_SQL[key]


def _as_date(value) -> datetime.date:
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(str(value)[:10])


def _enterprise_rows(day, activity, usccs: list[str]) -> list[tuple]:
    vendor = connection.vendor
    if len(usccs) == 1:
        sql, codes = _enterprise_sql(vendor, "one"), [usccs[0]]
    elif vendor == "postgresql":
        sql, codes = _enterprise_sql(vendor, "array"), [list(usccs)]
    else:
        sql, codes = _enterprise_sql(vendor, str(len(usccs))), list(usccs)
    return db.execute(sql, [*codes, *codes, day, day, day, activity, activity]) or []


def _enterprise_restrictions(
    day, activity, usccs: list[str], rows=None
) -> dict[str, tuple[list[dict], dict]]:
    """uscc -> (restrictions, party) for any number of enterprises in one statement: their own listings' and
    their heads' restrictions in force on ``day`` (for ``activity``, or all with ''). ``rows``: the
    statement's rows when the caller has read them already (``keyed_code_check``)."""
    usccs = list(dict.fromkeys(u for u in usccs if u))
    if not usccs:
        return {}
    found: dict[str, tuple] = {}
    restrictions: dict[str, list[dict]] = {}
    for row in _enterprise_rows(day, activity, usccs) if rows is None else rows:
        if row[0] == "e":
            found[row[1]] = row
            continue
        restrictions.setdefault(row[1], []).append(
            {
                "activity": row[2],
                "start": _as_date(row[4]),
                "end": _as_date(row[5]),
                "listing__number": row[3],
                "listing__article": row[6],
                "listing__name": row[7],
                "via_head": row[8] == "head",
            }
        )
    out = {}
    for uscc in usccs:
        rows = sorted(restrictions.get(uscc, ()), key=lambda r: (r["via_head"], r["activity"], r["start"]))
        own = [row for row in rows if not row["via_head"]]
        directory = found.get(uscc)
        party = {
            "kind": "enterprise",
            "uscc": uscc,
            "name": directory[2] if directory else (own[0]["listing__name"] if own else ""),
            "in_directory": directory is not None,
            "head": directory[3] if directory else "",
        }
        out[uscc] = ([_restriction_out(row, via_head=row["via_head"]) for row in rows], party)
    return out


def _one_enterprise(day, activity, uscc: str) -> tuple[list[dict], dict]:
    """One enterprise's restrictions and party (the hot path: one prepared statement)."""
    return _enterprise_restrictions(day, activity, [uscc])[uscc]


def _person_restrictions(day, activity, index: str) -> list[dict]:
    return [_restriction_out(row, via_head=False) for row in _rows(day, activity, id_indexes=[index])]


# --- the name fallback --------------------------------------------------------------------------------------
def _name_candidates(name: str, day: datetime.date, activity: str) -> list[dict]:
    key = names.name_key(name)
    core = names.core_of(key)
    if len(core) < 2:
        return []
    probes = {core} | ({core[:4]} if len(core) > 4 else set()) | ({core[-4:]} if len(core) > 4 else set())
    listing_filter = Q()
    for probe in probes:
        listing_filter |= Q(name_key__contains=probe)
    listed = {}
    for row in Listing.objects.filter(listing_filter, status=ListingStatus.IN_FORCE).values(
        "name", "uscc", "id_index"
    )[:200]:
        listed.setdefault((row["uscc"], row["id_index"]), row["name"])
    enterprise_filter = Q()
    for probe in {name.strip(), core, core[:4]}:
        if len(probe) >= 2:
            enterprise_filter |= Q(name__contains=probe)
    known = dict(Enterprise.objects.filter(enterprise_filter).values_list("uscc", "name")[:200])
    scored = []
    for uscc, candidate in known.items():
        found = names.match(name, candidate)
        if found:
            scored.append(
                {
                    "kind": "enterprise",
                    "uscc": uscc,
                    "name": candidate,
                    "score": found.score,
                    "reason": found.reason,
                }
            )
    for (uscc, index), candidate in listed.items():
        if uscc and uscc in known:
            continue
        found = names.match(name, candidate)
        if found:
            scored.append(
                {
                    "kind": "enterprise" if uscc else "person",
                    "uscc": uscc,
                    "id_index": index,
                    "name": candidate,
                    "score": found.score,
                    "reason": found.reason,
                }
            )
    scored.sort(key=lambda c: (-c["score"], c["name"]))
    scored = scored[:NAME_CANDIDATE_LIMIT]
    usccs = [c["uscc"] for c in scored if c["uscc"]]
    by_enterprise = _enterprise_restrictions(day, activity, usccs) if usccs else {}
    for candidate in scored:
        if candidate["uscc"]:
            candidate["restrictions"] = by_enterprise[candidate["uscc"]][0]
        else:
            candidate["restrictions"] = _person_restrictions(day, activity, candidate["id_index"])
        candidate["restricted"] = bool(candidate["restrictions"])
        index = candidate.pop("id_index", "")
        candidate["id_number"] = "" if not index else "***"
    return scored


def _by_name(name: str, day, activity) -> tuple[bool, bool, list[dict], dict | None, list[dict], str]:
    """(eligible, certain, restrictions, party, candidates, note) for a name."""
    candidates = _name_candidates(name, day, activity)
    exact = [c for c in candidates if c["score"] >= 1.0]
    restricted = [c for c in candidates if c["restricted"]]
    if len(exact) == 1 and (not restricted or restricted == exact):
        match = exact[0]
        party = {"kind": match["kind"], "uscc": match["uscc"], "name": match["name"]}
        return (not match["restricted"], True, match["restrictions"], party, candidates,
                _t("The name matches exactly one party; answered for it. Check by code to be sure."))
    if restricted:
        return (
            False,
            False,
            [],
            None,
            candidates,
            _t(
                "A listed party's name resembles this name: not eligible until checked by "
                "unified social credit code "
                "or resident ID number."
            ),
        )
    if len(exact) > 1:
        return (
            True,
            False,
            [],
            None,
            candidates,
            _t("Several parties share this name and none of them is restricted; check by code to be sure."),
        )
    return (
        True,
        False,
        [],
        None,
        candidates,
        _t(
            "No listed party's name resembles this name. A name is not proof of identity: check "
            "by code to be sure."
        ),
    )


# --- the log ------------------------------------------------------------------------------------------------
def _caller_label(caller) -> str:
    if caller is None:
        return ""
    from qinqing.core.models import ApiKey

    if isinstance(caller, ApiKey):
        return f"api_key:{caller.name}"
    if getattr(caller, "is_authenticated", False):
        return f"user:{caller.get_username()}"
    return str(caller)


def check_digest(row: EligibilityCheck | dict) -> str:
    get = row.get if isinstance(row, dict) else (lambda name: getattr(row, name))
    checked_at = get("checked_at")
    payload = json.dumps(
        {
            "check_id": get("check_id"),
            "checked_at": checked_at.isoformat() if hasattr(checked_at, "isoformat") else checked_at,
            "caller": get("caller"),
            "query_kind": get("query_kind"),
            "query": get("query"),
            "activity": get("activity"),
            "eligible": get("eligible"),
            "answer": get("answer"),
        },
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hmac_sm3_hex(payload.encode(), purpose="audit")


_LOG_FIELDS = ("check_id", "checked_at", "caller", "purpose", "query_kind", "query", "query_index",
               "activity", "eligible", "answer", "digest", "batch_id")
_LOG_SQL: dict[tuple, str] = {}
_VALUES_UP_TO = 16  # rows; more go through unnest (one statement for any number)


def _log_sql(vendor: str, rows: int) -> str:
    """The INSERT of ``rows`` log rows. On PostgreSQL (prepared statements): a VALUES list for a few rows
    (a single check, or the group of concurrent checks one commit carries; cheapest to bind), one ``unnest``
    of an array per column for more (a 500-party batch: one statement whatever its size); elsewhere one
    row's INSERT for ``executemany``."""
    shape: int | str = 1
    if vendor == "postgresql":
        shape = "unnest" if rows > _VALUES_UP_TO else rows
    key = (vendor, shape, _array_placeholder())
    if key not in _LOG_SQL:
        quote = connection.ops.quote_name
        fields = [EligibilityCheck._meta.get_field(name) for name in _LOG_FIELDS]
        head = (
            f"INSERT INTO {quote(EligibilityCheck._meta.db_table)} "  # noqa: S608 (model metadata)
            f"({', '.join(quote(field.column) for field in fields)}) "
        )
        if shape == "unnest":
            types = {"checked_at": "timestamptz", "eligible": "boolean", "answer": "jsonb"}
            mark = _array_placeholder()
            arrays = ", ".join(f"{mark}::{types.get(field.name, 'text')}[]" for field in fields)
            _LOG_SQL[key] = f"{head}SELECT * FROM unnest({arrays})"  # noqa: S608 (model metadata)
        else:
            row = f"({', '.join(['%s'] * len(fields))})"
            _LOG_SQL[key] = f"{head}VALUES {', '.join([row] * shape)}"
    return _LOG_SQL[key]


def _insert_log(rows: list[tuple]) -> None:
    """INSERT log rows (tuples in ``_LOG_FIELDS`` order, the answer as JSON text) in one statement."""
    if connection.vendor == "postgresql":
        sql = _log_sql("postgresql", len(rows))
        if len(rows) > _VALUES_UP_TO:
            db.execute(sql, [list(column) for column in zip(*rows, strict=True)])
        else:
            db.execute(sql, [value for row in rows for value in row])
        return
    at = _LOG_FIELDS.index("checked_at")
    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        cursor.executemany(
            _log_sql(connection.vendor, 1), [(*row[:at], adapt(row[at]), *row[at + 1:]) for row in rows]
        )


class _Queued:
    """One check's rows waiting in ``_GroupCommit``: ``signal`` is held until the check is written (``done``,
    with ``error`` if it was not) or until it is its turn to write the queue (``lead``)."""

    __slots__ = ("done", "error", "lead", "rows", "signal")

    def __init__(self, rows: list[tuple]) -> None:
        self.rows, self.done, self.error, self.lead = rows, False, None, False
        self.signal = threading.Lock()
        self.signal.acquire()


class _GroupCommit:
    """Concurrent checks of one process share an INSERT and its commit (group commit), each durable first.

    Every check must be in the log before its answer leaves (a check id handed out must be verifiable), so
    its row is committed before ``write`` returns. A commit waits for the WAL to reach the disk (a few
    milliseconds); the threads that arrive meanwhile queue their rows, and when the commit is done the first
    of them (the next leader) writes everything queued in one statement and one commit while the others wait
    for it. Each waiting thread is woken once, by its own signal — when its row is written, or when it is its
    turn to lead — never all of them at every commit (with eight threads a shared wake-up cost more CPU than
    the grouping saved). The rows stay one append-only log of their own (no audit chain head is taken: a
    check changes no data). A caller inside a transaction writes its row in that transaction instead (it
    commits or rolls back with the caller's work).
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queue: list[_Queued] = []
        self._writing = False

    def write(self, rows: list[tuple]) -> None:
        entry = _Queued(rows)
        with self._lock:
            if self._writing:
                self._queue.append(entry)
                group = None
            else:
                self._writing, group = True, [entry]
        if group is None:
            entry.signal.acquire()  # until written by a leader, or until this thread leads
            if not entry.lead:
                if entry.error is not None:
                    raise DatabaseError("the eligibility check was not logged") from entry.error
                return
            with self._lock:
                group, self._queue = self._queue, []  # this entry is the first of them
        error = None
        try:
            _insert_log([row for queued in group for row in queued.rows])
        except BaseException as exc:  # every waiting check must learn that its row was not written
            error = exc
        with self._lock:
            for queued in group:
                if queued is not entry:
                    queued.done, queued.error = True, error
                    queued.signal.release()
            if self._queue:
                self._queue[0].lead = True  # the next leader takes the queue, itself included
                self._queue[0].signal.release()
            else:
                self._writing = False
        if error is not None:
            raise error


_GROUP = _GroupCommit()


def _log(
    answers: list[EligibilityAnswer], *, caller, purpose: str, query_indexes: list[str], batch_id: str = ""
) -> None:
    label, purpose = _caller_label(caller)[:200], purpose[:64]
    rows = []
    for answer, index in zip(answers, query_indexes, strict=True):
        body = answer.as_dict()
        digest = check_digest(
            {
                "check_id": answer.check_id,
                "checked_at": answer.checked_at,
                "caller": label,
                "query_kind": answer.query_kind,
                "query": answer.query[:300],
                "activity": answer.activity,
                "eligible": answer.eligible,
                "answer": body,
            }
        )
        answer.json_text = json.dumps(body, ensure_ascii=False)
        rows.append((answer.check_id, answer.checked_at, label, purpose, answer.query_kind,
                     answer.query[:300], index, answer.activity, answer.eligible, answer.json_text, digest,
                     batch_id))
    if connection.in_atomic_block or len(rows) > 1:
        _insert_log(rows)  # in the caller's transaction; a batch is one statement and one commit already
    else:
        _GROUP.write(rows)


def new_check_id(moment: datetime.datetime) -> str:
    """A check id: 32 hex digits, the moment in milliseconds (12) then 80 random bits.

    As unguessable as a random UUID, but later ids sort after earlier ones, so the log's unique index takes
    each new id on its last page. With random ids every insert landed on a random index page, which after
    each checkpoint costs a full-page image in the WAL: 500 of them made a 500-party batch's log insert
    take 200-350 ms."""
    return f"{int(moment.timestamp() * 1000):012x}{secrets.token_hex(10)}"


# --- the service --------------------------------------------------------------------------------------------
@dataclass
class _Query:
    kind: str
    shown: str
    index: str
    uscc: str = ""
    id_index: str = ""
    name: str = ""


def _parse(
    *, uscc=None, id_number=None, name=None, enterprise=None, person=None, field_prefix: str = ""
) -> _Query:
    if enterprise is not None:
        return _Query("uscc", enterprise.uscc, enterprise.uscc, uscc=enterprise.uscc)
    if person is not None:
        if not person.resident_id_index:
            raise ServiceError(_("This person has no resident ID number in the directory."), code="required",
                               field=f"{field_prefix}id_number")
        return _Query(
            "id_number",
            mask_resident_id(person.resident_id),
            person.resident_id_index,
            id_index=person.resident_id_index,
        )
    if (uscc or "").strip():
        code = clean_uscc(uscc, field=f"{field_prefix}uscc")
        return _Query("uscc", code, code, uscc=code)
    if (id_number or "").strip():
        number = clean_id_number(id_number, field=f"{field_prefix}id_number")
        index = blind_index(number)
        return _Query("id_number", mask_resident_id(number), index, id_index=index)
    if (name or "").strip():
        return _Query("name", name.strip()[:200], "", name=name.strip()[:200])
    raise ServiceError(
        _("Give uscc (an enterprise), id_number (a person) or, failing both, name."),
        code="required",
        field=f"{field_prefix}uscc",
    )


def _answer(query: _Query, day, activity, now, by_enterprise=None) -> EligibilityAnswer:
    check_id = new_check_id(now)
    if query.kind == "uscc":
        restrictions, party = (
            by_enterprise[query.uscc]
            if by_enterprise is not None
            else _one_enterprise(day, activity, query.uscc)
        )
        return EligibilityAnswer(
            not restrictions, restrictions, check_id, now, "uscc", query.shown, activity, party=party
        )
    if query.kind == "id_number":
        restrictions = _person_restrictions(day, activity, query.id_index)
        return EligibilityAnswer(
            not restrictions,
            restrictions,
            check_id,
            now,
            "id_number",
            query.shown,
            activity,
            party={"kind": "person", "id_number": query.shown},
        )
    eligible, certain, restrictions, party, candidates, note = _by_name(query.name, day, activity)
    return EligibilityAnswer(
        eligible,
        restrictions,
        check_id,
        now,
        "name",
        query.shown,
        activity,
        certain=certain,
        party=party,
        candidates=candidates,
        note=note,
    )


def eligibility(
    *,
    activity: str | None = None,
    uscc: str | None = None,
    id_number: str | None = None,
    name: str | None = None,
    enterprise=None,
    person=None,
    caller=None,
    purpose: str = "",
    log: bool = True,
) -> EligibilityAnswer:
    """Whether the party may take part in ``activity`` today ('' or None: in every activity), logged.

    Give one of ``enterprise`` / ``uscc`` (an enterprise: its own restrictions and its head's),
    ``person`` / ``id_number`` (a person), or ``name`` (the fallback, with candidates).
    """
    activity = parse_activity(activity)
    query = _parse(uscc=uscc, id_number=id_number, name=name, enterprise=enterprise, person=person)
    now = clock.now()
    answer = _answer(query, clock.local(now).date(), activity, now)
    if log:
        _log([answer], caller=caller, purpose=purpose, query_indexes=[query.index])
    return answer


def eligibility_batch(
    *, parties: list[dict], activity: str | None = None, caller=None, purpose: str = ""
) -> tuple[str, list[EligibilityAnswer]]:
    """Up to ``BATCH_LIMIT`` parties (each a dict with uscc, id_number or name, and optionally its own activity), logged
    under one batch id. The enterprises are read in two queries whatever their number."""  # noqa: E501
    if not isinstance(parties, list) or not parties:
        raise ServiceError(_("Give at least one party."), code="required", field="parties")
    if len(parties) > BATCH_LIMIT:
        raise ServiceError(
            _("A batch holds at most %(limit)d parties; this one has %(count)d."),
            code="batch_too_large",
            field="parties",
            params={"limit": BATCH_LIMIT, "count": len(parties)},
        )
    default_activity = parse_activity(activity)
    queries = []
    for position, party in enumerate(parties):
        prefix = f"parties.{position}."
        if not isinstance(party, dict):
            raise ServiceError(
                _("Each party is an object with uscc, id_number or name."),
                code="invalid",
                field=f"parties.{position}",
            )
        try:
            own_activity = (
                parse_activity(party.get("activity")) if party.get("activity") else default_activity
            )
        except ServiceError as error:
            error.field = prefix + "activity"
            raise
        queries.append(
            (
                _parse(
                    uscc=party.get("uscc"),
                    id_number=party.get("id_number"),
                    name=party.get("name"),
                    field_prefix=prefix,
                ),
                own_activity,
            )
        )
    now = clock.now()
    day = clock.local(now).date()
    by_activity: dict[str, dict] = {}
    for act in {a for _q, a in queries}:
        usccs = sorted({q.uscc for q, a in queries if a == act and q.kind == "uscc"})
        by_activity[act] = _enterprise_restrictions(day, act, usccs) if usccs else {}
    answers = [_answer(q, day, a, now, by_activity[a]) for q, a in queries]
    batch_id = uuid.uuid4().hex
    _log(
        answers,
        caller=caller,
        purpose=purpose,
        query_indexes=[q.index for q, _a in queries],
        batch_id=batch_id,
    )
    return batch_id, answers


_KEYED_SQL: dict[str, str] = {}


def _keyed_sql() -> str:
    """The exact-code statement of ``_enterprise_sql`` with the caller's API key read in it too: one more row,
    ``('k', key hash, scopes as JSON text, key name, NULL, NULL, key id, '', '')``, for the active (not
    revoked) key with the given prefix — what ``core.services.apikey_authenticate`` reads."""
    vendor = connection.vendor
    if vendor not in _KEYED_SQL:
        from qinqing.core.models import ApiKey

        q = connection.ops.quote_name
        sql = _enterprise_sql(vendor, "one")
        assert sql.startswith("WITH ")  # noqa: S101 (the statement this one extends)
        _KEYED_SQL[vendor] = (
            f"WITH apikey AS (SELECT key_hash, CAST(scopes AS TEXT) AS scopes, name, "  # noqa: S608
            f"CAST(id AS TEXT) AS id FROM {q(ApiKey._meta.db_table)} "
            f"WHERE prefix = %s AND revoked_at IS NULL), {sql[len('WITH '):]} "
            f"UNION ALL SELECT 'k', key_hash, scopes, name, NULL, NULL, id, '', '' FROM apikey"
        )  # table names from model metadata only; every value is a parameter
    return _KEYED_SQL[vendor]


def keyed_code_check(
    *, uscc: str, activity: str, key_prefix: str, authorise, purpose: str = "api", language: str | None = None
):
    """The API's exact-code check with the caller's key read in the same statement (``integrity.fastpath``):
    one round trip to the database for the key and the restrictions instead of two, then the log.

    ``authorise(row)`` gets the key's row (``None`` when no active key has ``key_prefix``) and returns the
    caller (an ``ApiKey``) if the key and its scope are good, else None: then None is returned and nothing is
    logged. Otherwise the answer is exactly what ``eligibility(uscc=…, activity=…, caller=…)`` gives, logged
    the same way. Bad input raises the same ``ServiceError`` before anything is read. ``language``: the
    language the restrictions are worded in (activated only when there are restrictions to word: an answer
    without any carries no translated text); None: the active one."""
    activity = parse_activity(activity)
    query = _parse(uscc=uscc)
    now = clock.now()
    day = clock.local(now).date()
    code = query.uscc
    rows = db.execute(_keyed_sql(), [key_prefix, code, code, day, day, day, activity, activity]) or []
    key = next((row for row in rows if row[0] == "k"), None)
    caller = authorise(key)
    if caller is None:
        return None
    party_rows = [row for row in rows if row[0] != "k"]
    worded = language is not None and any(row[0] == "r" for row in party_rows)
    with translation.override(language) if worded else contextlib.nullcontext():
        restrictions, party = _enterprise_restrictions(day, activity, [code], rows=party_rows)[code]
    answer = EligibilityAnswer(
        not restrictions, restrictions, new_check_id(now), now, "uscc", query.shown, activity, party=party
    )
    _log([answer], caller=caller, purpose=purpose, query_indexes=[query.index])
    return answer


def is_enterprise_restricted(enterprise, *, activity: str = "", purpose: str = "") -> bool:
    """Whether any of article 21's restrictions (or the one for ``activity``) binds the enterprise today, its head's included."""  # noqa: E501
    return not eligibility(
        enterprise=enterprise, activity=activity, purpose=purpose or "is_enterprise_restricted"
    ).eligible
