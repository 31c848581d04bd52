"""The labeled corpus and its scoring: clauses.tsv and held_out.tsv (composed in the style of the
sources SOURCES.md lists), published*.tsv (quoted from published cases and tender documents, with
the source of each clause). SOURCES.md says where each clause comes from."""

from __future__ import annotations

import hashlib
from pathlib import Path

from qinqing.fairness.evaluation import read_labeled, score  # noqa: F401 (score: the corpus is scored as any labeled set)

HERE = Path(__file__).resolve().parent


# Clauses every tender document carries because the law requires them (Government Procurement Law
# article 22 and the trade's statutory qualifications): no rule, and no model, may flag them.
LAWFUL_STANDARD = [
    "具有独立承担民事责任的能力；",
    "具有良好的商业信誉和健全的财务会计制度；",
    "有依法缴纳税收和社会保障资金的良好记录；",
    "参加政府采购活动前三年内，在经营活动中没有重大违法记录；",
    "投标人须具有建设行政主管部门颁发的建筑工程施工总承包三级及以上资质。",
    "法律、行政法规规定的其他条件。",
]


def load(name: str = "clauses.tsv") -> list[tuple[str, str, str]]:
    """(label, source, clause) rows; label is a rule kind or ``lawful``.

    ``clauses.tsv`` and ``held_out.tsv`` give the source as an id of SOURCES.md (clauses composed
    in the style of that source); ``published.tsv`` gives, per clause, where it was published and
    by whom (address, then publisher / title / date), joined as ``"address | title"``. Read as any
    labeled set is (``fairness.evaluation.read_labeled``: a line not of the form, or an unknown label,
    is an error naming the line).
    """
    return read_labeled((HERE / name).read_text("utf-8"))


def fourth_split(rows=None) -> tuple[list, list]:
    """``published_fourth.tsv`` split in two, fixed before any rule was tuned on it: a clause whose
    sha256 (UTF-8) starts with an even byte is in the tuning half, an odd one in the held-out half
    (the rules were revised on the tuning half only)."""
    rows = load("published_fourth.tsv") if rows is None else rows
    tuning, held_out = [], []
    for row in rows:
        (held_out if hashlib.sha256(row[2].encode("utf-8")).digest()[0] % 2 else tuning).append(row)
    return tuning, held_out


def real_documents(name: str = "real_documents.tsv") -> list[dict]:
    """The whole real documents of ``name`` (``real_documents.tsv``, ``real_tenders.tsv``): one dict per
    document (``id``, ``address``, ``source`` — publisher / title / date —, ``held_out``, ``rows`` — (label,
    id, clause) in document order). The split is by document and was fixed before any model was trained
    or rule tuned on the file: a document whose address's sha256 (UTF-8) starts with an odd byte is held
    out (``corpus.fourth_split``'s convention); the flag written in the file's ``# @doc`` line must agree."""
    docs: dict[str, dict] = {}
    for line in (HERE / name).read_text("utf-8").splitlines():
        if line.startswith("# @doc "):
            doc_id, address, source, split = line[len("# @doc ") :].split("\t")
            held_out = bool(hashlib.sha256(address.encode("utf-8")).digest()[0] % 2)
            if held_out != (split == "held-out") or split not in ("held-out", "training", "tuning"):
                raise ValueError(f"{doc_id}: the file's split disagrees with the address hash")
            docs[doc_id] = {
                "id": doc_id,
                "address": address,
                "source": source,
                "held_out": held_out,
                "rows": [],
            }
    for label, doc_id, text in load(name):
        docs[doc_id]["rows"].append((label, doc_id, text))
    return list(docs.values())
