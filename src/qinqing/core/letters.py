"""What every printed letter shares: one place instead of a copy per app.

A letter is an HTML template rendered under the district's language (a letter is in the district's
language whoever prints it, docs/ARCHITECTURE.md) and laid out by WeasyPrint with the Noto CJK fonts.
Its templates include the shared pieces under ``core/letters/``:

* ``_style.html``: A4, the margins, page numbers as "— 1 —" at the foot, the table, code and seal styles;
* ``_office.html``: the issuing office at the head (``issuer.office``; the visible gap when unset);
* ``_seal.html``: the seal (``issuer.seal``), the issuing office and the date (``day``) at the foot. The
  seal rule: a letter prints it only for a final decision; the caller includes ``_seal.html`` only then
  and ``_not_final.html`` (``reason``: why it is not final yet) otherwise, never a seal on a draft. The
  seal's words are printed smaller as they grow longer (``Issuer.seal_size``), so a unit's 40-character
  seal text stays in the seal's upper half; ``seal_variant="small"`` is the 30 mm seal of an A5 receipt.

Who issues the letter is the one who decided it. A letter's context may name an ``issuer``: the unit
that decided (a ``directory.Unit``, or anything with ``name`` and ``seal_text``). The letter is then
headed and signed with the unit's name and sealed with its seal text — or with its name when that is
blank, as a government organ's seal bears its full registered name. Without one (the decision is the
district's, e.g. the discipline office's, or the record names no unit) the district's issuing office and
seal (``core.district``) head and seal it, as before. ``render_html`` turns either into ``issuer``
(``Issuer``: ``office`` and ``seal``), the one thing the partials read; ``issuer()`` gives the same to
a document written otherwise (fairness's .docx).

The issuer is the one of the day of the decision, not of the day of printing: the deciding service keeps
it (``keep_issuer``: office, seal text, the unit's id, in ``core.LetterIssuer``, in its transaction,
audited) for the letter's kind (declared with ``issued_when_decided``), and the letter's context reads it
back (``issuer_of``). A letter decided before issuers were kept prints the unit as it is today.

Dates are written with Django's ``DATE_FORMAT`` (2026年12月3日 under zh-Hans: ``day`` below).
A letter that can be checked by whoever holds the paper carries a verification code (``new_code``)
and the full address of its public verification page (``public_url``).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, replace

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import formats
from django.utils.translation import gettext as _

from . import clock, district

# No 0/O, 1/I: a code is read aloud and typed by hand.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_code(length: int = 12) -> str:
    """A verification code for a letter (60 bits at 12 characters)."""
    return "".join(secrets.choice(CODE_ALPHABET) for _index in range(length))


def public_url(path: str, request=None) -> str:
    """The full address printed on a letter, so that a reader of the paper can check it.

    ``QINQING_PUBLIC_BASE_URL`` (e.g. https://qinqing.example.gov.cn) wins when set, because the
    public address can differ from the one the printing user's browser used (intranet, proxy);
    otherwise the address of the current request; without one, the path."""
    base = (getattr(settings, "QINQING_PUBLIC_BASE_URL", "") or "").rstrip("/")
    if base:
        return base + path
    if request is not None:
        return request.build_absolute_uri(path)
    return path


def day(value) -> str:
    """A date as the letters write it: 2026年12月3日 in the language active (the district's in a letter)."""
    return formats.date_format(value, "DATE_FORMAT")


# The seal's size classes (``Issuer.seal_size``): the longest text each prints in the circle's upper half.
SEAL_SIZES = (("", 18), ("long", 30), ("longer", 48))


@dataclass(frozen=True)
class Issuer:
    """Who a letter is from: the name at its head and under the seal, and the words on the seal ("" when
    unset: the letter prints the visible gap)."""

    office: str
    seal: str
    signatory: str = ""  # who signed the decision, when the letter names them (kept with the issuer)

    @property
    def seal_size(self) -> str:
        """How small the seal's words are printed so that they fit in its upper half (``_style.html``'s
        ``seal-<size>``): "" up to 18 characters, then "long" (30), "longer" (48, past a unit's 40-character
        seal text), "longest" (a long unit name its seal bears)."""
        length = len(self.seal)
        for size, limit in SEAL_SIZES:
            if length <= limit:
                return size
        return "longest"

    def show(self, field: str) -> str:
        """The value for a printed document, or the visible gap when it is not set."""
        return getattr(self, field) or _("[not set]")


def issuer(unit=None, *, place: district.District | None = None) -> Issuer:
    """The issuer of a letter decided by ``unit`` (anything with ``name`` and ``seal_text``): its name, and
    its seal text or, blank, its name. ``None``: the district's issuing office and seal (``place`` when
    the caller has read them already)."""
    if unit is None:
        place = place or district.current()
        return Issuer(place.issuing_office, place.seal_text)
    if isinstance(unit, Issuer):
        return unit
    name = (unit.name or "").strip()
    return Issuer(name, (getattr(unit, "seal_text", "") or "").strip() or name)


# The letters whose issuer is kept when they are decided: kind -> the model of the record keyed (filled by
# each app's letters module with ``issued_when_decided``); ``keep_issuer`` refuses a kind not declared (a
# typo would otherwise keep a row no letter reads). core/tests/test_letter_issuer.py reads the declarations
# from the sources, as an app's letters module is imported only once something uses it.
KEPT_KINDS: dict[str, type] = {}


def issued_when_decided(kind: str, model: type) -> str:
    """Declare a letter ``kind`` (``"<app>.<letter>"``) on ``model``'s records whose issuer its deciding
    service keeps (``keep_issuer``) and its context reads (``issuer_of``). Returns ``kind``."""
    KEPT_KINDS[kind] = model
    return kind


def _kept_row(record, kind: str, *, lock: bool = False):
    from .models import LetterIssuer

    rows = LetterIssuer.objects.filter(record_type=record._meta.label, record_id=str(record.pk), kind=kind)
    return (rows.select_for_update() if lock else rows).first()


def keep_issuer(record, kind: str, unit, *, actor, signatory: str = "") -> Issuer:
    """Keep who issues ``record``'s letter ``kind`` as of now, the moment its decision is made: ``unit``'s
    name and seal text (``issuer``; ``None``: the district's office and seal as they are now) and the
    unit's id. Call it from the deciding service, inside its transaction, once ``record`` has its key:
    the row is audited (``core.letterissuer.create``/``.update``) with the decision. ``signatory``: who
    signed the decision as the letter names them (an approval letter's approver), kept with it. A later
    decision on the same letter replaces it. Returns the issuer kept."""
    from . import audit
    from .models import LetterIssuer

    if kind not in KEPT_KINDS:
        raise LookupError(f"{kind} is not declared with core.letters.issued_when_decided")
    kept = replace(issuer(unit), signatory=signatory[:200])
    unit_id = getattr(unit, "pk", None) if unit is not None and not isinstance(unit, Issuer) else None
    row = _kept_row(record, kind, lock=True)
    if row is None:
        row = LetterIssuer.objects.create(
            record_type=record._meta.label, record_id=str(record.pk), kind=kind, unit_id=unit_id,
            office=kept.office, seal=kept.seal, signatory=kept.signatory, decided_at=clock.now(),
        )
        audit.record_event(actor=actor, action="core.letterissuer.create", instance=row,
                           details={"kind": kind})
        return kept
    before = audit.snapshot(row)
    row.unit_id, row.office, row.seal, row.signatory = unit_id, kept.office, kept.seal, kept.signatory
    row.decided_at = clock.now()
    row.save(update_fields=["unit_id", "office", "seal", "signatory", "decided_at"])
    audit.record_event(actor=actor, action="core.letterissuer.update", instance=row, before=before,
                       details={"kind": kind})
    return kept


def issuer_of(record, kind: str, unit):
    """Who ``record``'s letter ``kind`` is from: the issuer kept when it was decided (``keep_issuer``), so a
    reprint shows the office and seal of that day. A letter decided before issuers were kept (no row), or
    one kept while the district's particulars were not filled in (blank), is from ``unit`` as it is today
    (the district's office for ``None``), as before. The value goes into the letter's context as
    ``issuer``."""
    row = _kept_row(record, kind) if record is not None and record.pk is not None else None
    if row is None or not (row.office and row.seal):
        return unit
    return Issuer(row.office, row.seal, row.signatory)


def render_html(template: str, context: dict | Callable[[], dict]) -> str:
    """The letter's HTML in the district's language, with the district's particulars as ``district`` and
    who issues it as ``issuer`` (the context's ``issuer``, a unit, else the district's office: ``issuer()``).
    ``context`` may be a function, called in the district's language (for the words it formats itself)."""
    with district.language():
        values = context() if callable(context) else context
        place = district.current()
        return render_to_string(
            template, {"district": place, **values, "issuer": issuer(values.get("issuer"), place=place)}
        )


def render_pdf(template: str, context: dict | Callable[[], dict], *, base_url: str = "") -> bytes:
    """The letter as a PDF."""
    from weasyprint import HTML

    return HTML(string=render_html(template, context), base_url=base_url or None).write_pdf()


def pdf_response(pdf: bytes, filename: str):
    """The PDF shown in the browser (inline), named for the one who saves it."""
    from django.http import HttpResponse

    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
