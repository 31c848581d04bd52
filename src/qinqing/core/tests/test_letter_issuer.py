"""Who a letter is from, kept when it is decided (core.letters.keep_issuer / issuer_of), and how the seal's
words fit its circle (Issuer.seal_size): docs/ARCHITECTURE.md, "Who a letter is from"."""

import ast
import pathlib
import re

import lxml.html
import pytest

from qinqing.core import audit, district, letters
from qinqing.core.audit import SystemActor
from qinqing.core.models import AuditEvent, LetterIssuer
from qinqing.directory import services as directory_services
from qinqing.directory.models import Unit
from qinqing.directory.tests import factories

ACTOR = SystemActor("test")
FORTY = "示范省示范市示范区经济技术开发区管理委员会发展改革和行政审批服务局政务公开专用章"


@pytest.fixture
def kind(monkeypatch):
    """A letter kind on units, declared for the test only."""
    monkeypatch.setitem(letters.KEPT_KINDS, "test.letter", Unit)
    return "test.letter"


def _kept(record, kind):
    from django.db import transaction

    def keep(unit):
        with transaction.atomic():
            return letters.keep_issuer(record, kind, unit, actor=ACTOR)

    return keep


@pytest.mark.django_db
def test_the_issuer_kept_at_the_decision_outlives_a_rename_and_a_new_seal(kind):
    bureau = factories.make_unit(name="区自然资源局", seal_text="示范区自然资源局")
    record = factories.make_unit(name="某记录")  # any record: a unit stands for one here
    assert letters.issuer_of(record, kind, bureau) is bureau  # decided before issuers were kept: today's
    assert _kept(record, kind)(bureau) == letters.Issuer("区自然资源局", "示范区自然资源局")
    row = LetterIssuer.objects.get()
    assert (row.record_type, row.record_id, row.kind, row.unit_id) == ("directory.Unit", str(record.pk), kind,
                                                                      bureau.pk)
    assert AuditEvent.objects.filter(action="core.letterissuer.create", object_id=str(row.pk)).exists()
    directory_services.unit_update(unit=bureau, name="区自然资源和规划局",
                                   seal_text="示范区自然资源和规划局", actor=ACTOR)
    bureau.refresh_from_db()
    assert letters.issuer_of(record, kind, bureau) == letters.Issuer("区自然资源局", "示范区自然资源局")
    html = letters.render_html("core/letters/_seal.html", {"issuer": letters.issuer_of(record, kind, bureau)})
    assert "示范区自然资源局" in html and "规划" not in html
    # a later decision on the same letter (a request closed after it was accepted) replaces it, audited
    _kept(record, kind)(bureau)
    assert LetterIssuer.objects.get().office == "区自然资源和规划局"
    assert AuditEvent.objects.filter(action="core.letterissuer.update", object_id=str(row.pk)).exists()
    assert audit.verify_chain().ok  # the row is as its last event left it


@pytest.mark.django_db
def test_the_districts_office_is_kept_too_but_not_a_gap(kind):
    record = factories.make_unit(name="某记录")
    _kept(record, kind)(None)  # the district's particulars not filled in yet: nothing worth keeping
    assert letters.issuer_of(record, kind, None) is None  # the letter prints the district's as it is now
    district.district_update(actor=ACTOR, district_name="示范区", seal_text="中共示范区纪律检查委员会",
                             issuing_office="示范区纪委监委")
    _kept(record, kind)(None)
    district.district_update(actor=ACTOR, district_name="示范区", seal_text="示范区监察委员会",
                             issuing_office="示范区监委")
    kept = letters.issuer_of(record, kind, None)  # renamed since: the letter is the office's of that day
    assert kept == letters.Issuer("示范区纪委监委", "中共示范区纪律检查委员会")
    assert LetterIssuer.objects.get().unit_id is None


@pytest.mark.django_db
def test_an_undeclared_kind_is_refused():
    with pytest.raises(LookupError):
        _kept(factories.make_unit(name="某记录"), "nobody.letter")(None)


def test_every_letter_that_names_its_issuer_reads_the_kept_one():
    """An app's letter context passing ``issuer`` reads it through ``letters.issuer_of`` with a declared kind,
    and the kind is kept by a service (``keep_issuer``): a new letter cannot print today's unit unnoticed."""
    root = pathlib.Path(letters.__file__).resolve().parents[1]
    paths = [*root.glob("*/*.py"), *root.glob("*/services/*.py")]
    sources = {path: path.read_text(encoding="utf-8") for path in paths if path.parent.name != "core"}
    passing = set()
    for path, text in sources.items():
        for node in ast.walk(ast.parse(text)):
            if not isinstance(node, ast.Dict):
                continue
            for key, value in zip(node.keys, node.values, strict=True):
                if isinstance(key, ast.Constant) and key.value == "issuer":
                    passing.add(path.parent.name)
                    call = value.func if isinstance(value, ast.Call) else None
                    assert isinstance(call, ast.Attribute) and call.attr == "issuer_of", (
                        f"{path}: a letter's issuer read without core.letters.issuer_of"
                    )
    assert passing == {"legal", "liaison", "conduct", "commitments", "fairness"}
    keeping = [text for text in sources.values() if "keep_issuer(" in text]
    declared = {kind: constant for text in sources.values()
                for constant, kind in re.findall(r'(\w+) = letters\.issued_when_decided\("([\w.]+)"', text)}
    assert len(declared) == 7, declared
    for kind, constant in declared.items():
        assert any(re.search(rf"keep_issuer\([^)]*\.{constant},", text) for text in keeping), (
            f"{kind} ({constant}) is never kept by a deciding service"
        )


@pytest.mark.parametrize(
    ("seal", "size"),
    [("示范区发改局", ""), ("示" * 18, ""), ("示" * 19, "long"), ("示" * 30, "long"), ("示" * 31, "longer"),
     (FORTY, "longer"), ("示" * 49, "longest")],
    ids=["6 characters", "18", "19", "30", "31", "40", "49"],
)
def test_a_longer_seal_text_is_printed_smaller_to_stay_in_the_seals_upper_half(seal, size):
    assert letters.Issuer("区发改局", seal).seal_size == size


@pytest.mark.django_db
def test_the_seal_partial_prints_the_size_and_the_small_variant():
    forty = letters.Issuer("区发改局", FORTY)
    seal = lxml.html.fromstring(letters.render_html("core/letters/_seal.html", {"issuer": forty}))
    assert seal.xpath('//*[@data-testid="seal"]/@class') == ["seal seal-longer"]
    assert seal.xpath('//div[@class="signed"]')  # the letter's size: A4
    small = lxml.html.fromstring(
        letters.render_html("core/letters/_seal.html", {"issuer": forty, "seal_variant": "small"})
    )
    assert small.xpath('//div[@class="signed signed-small"]')
    short = letters.Issuer("区发改局", "示范区发改局")
    short = lxml.html.fromstring(letters.render_html("core/letters/_seal.html", {"issuer": short}))
    assert short.xpath('//*[@data-testid="seal"]/@class') == ["seal"]
