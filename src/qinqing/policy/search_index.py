"""The policy library's full-text index (article 4): Chinese text segmented by jieba, then indexed by the
database itself, so a query reads the index instead of scanning every document's text.

* SQLite: an FTS5 virtual table ``policy_search`` (``rowid`` = the document's id) over the space-joined
  words; the ``unicode61`` tokenizer splits only on the spaces and punctuation jieba left, so each jieba
  word is one FTS token. A query is ``"word1" AND "word2"``, ranked by ``bm25``.
* PostgreSQL: a table ``policy_search`` with a ``tsvector`` column and a GIN index. The vector is written
  as a ``tsvector`` literal (each word quoted, with its positions) and the query as a ``tsquery`` literal
  (``'word1' & 'word2'``), so PostgreSQL's own text parser and the database's locale play no part; ranked
  by ``ts_rank``.

Both tables are derived data (not audited), written by ``policy_import`` in the import's transaction
(``index_document``) and rebuilt by ``./qinqing policy reindex`` (``rebuild``). Each row keeps the
document's content hash: a row whose hash no longer matches its document (ids reused after a flush in
tests, a document changed outside the services) is never returned. Documents are never edited in place
(a new text is a new version), so "kept in step" means: every version is indexed when it is stored; the
search keeps to the current versions.

Segmentation is jieba's search-engine mode (``cut_for_search``), which adds the shorter words inside a
long one (中小企业 → 中小, 企业, 中小企业), so a query finds a word inside a longer term; single
characters are indexed too, for a one-character query.
"""

from __future__ import annotations

import logging
import re

from django.db import connection

TABLE = "policy_search"
_MEANINGFUL = re.compile(r"[\w\u4e00-\u9fff]")
# tsvector limits: positions up to 16,383, at most 256 positions kept per word.
_PG_MAX_POSITION = 16383
_PG_MAX_POSITIONS = 256


def segment(text: str) -> list[str]:
    """The words of ``text`` in order (repeats kept: they rank), lower-cased, punctuation dropped."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    words = []
    for word in jieba.cut_for_search(text or ""):
        word = word.strip().lower()
        if word and _MEANINGFUL.search(word):
            words.append(word)
    return words


def _vendor(conn=None) -> str:
    return (conn or connection).vendor


def create_statements(vendor: str) -> list[str]:
    if vendor == "postgresql":
        return [
            f"CREATE TABLE IF NOT EXISTS {TABLE} (document_id bigint PRIMARY KEY, "
            "content_hash varchar(64) NOT NULL, body tsvector NOT NULL)",
            f"CREATE INDEX IF NOT EXISTS {TABLE}_body_gin ON {TABLE} USING gin (body)",
        ]
    return [
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5(content_hash UNINDEXED, body, "
        "tokenize = 'unicode61 remove_diacritics 0')"
    ]


def drop_statements(vendor: str) -> list[str]:
    return [f"DROP TABLE IF EXISTS {TABLE}"]


def _quote_lexeme(word: str) -> str:
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


def _tsvector_literal(words: list[str]) -> str:
    positions: dict[str, list[int]] = {}
    for index, word in enumerate(words, start=1):
        kept = positions.setdefault(word, [])
        if len(kept) < _PG_MAX_POSITIONS:
            kept.append(min(index, _PG_MAX_POSITION))
    return " ".join(
        f"{_quote_lexeme(word)}:{','.join(str(p) for p in sorted(set(spots)))}"
        for word, spots in positions.items()
    )


def document_text(document) -> str:
    return "\n".join(
        part
        for part in (document.title, document.issuing_body, document.document_number, document.raw_text)
        if part
    )


def index_rows(rows, *, conn=None) -> None:
    """(document id, content hash, text) rows into the index, replacing what each id had."""
    conn = conn or connection
    vendor = _vendor(conn)
    with conn.cursor() as cursor:
        for pk, digest, text in rows:
            words = segment(text)
            if vendor == "postgresql":
                cursor.execute(
                    f"INSERT INTO {TABLE} (document_id, content_hash, body) VALUES (%s, %s, %s::tsvector) "  # noqa: S608 (constant table names)
                    "ON CONFLICT (document_id) DO UPDATE SET content_hash = EXCLUDED.content_hash, "
                    "body = EXCLUDED.body",
                    [pk, digest, _tsvector_literal(words)],
                )
            else:
                cursor.execute(f"DELETE FROM {TABLE} WHERE rowid = %s", [pk])  # noqa: S608 (constant table names)
                cursor.execute(
                    f"INSERT INTO {TABLE} (rowid, content_hash, body) VALUES (%s, %s, %s)",  # noqa: S608 (constant table names)
                    [pk, digest, " ".join(words)],
                )


def index_document(document) -> None:
    """Index one stored document (``policy_import`` calls this in its transaction)."""
    index_rows([(document.pk, document.content_hash, document_text(document))])


def rebuild(*, conn=None) -> int:
    """Empty the index and index every stored document again; returns how many."""
    from .models import PolicyDocument

    conn = conn or connection
    with conn.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE}")  # noqa: S608 (constant table names)
    count = 0
    batch = []
    for document in PolicyDocument.objects.only(
        "pk", "content_hash", "title", "issuing_body", "document_number", "raw_text"
    ).iterator(chunk_size=200):
        batch.append((document.pk, document.content_hash, document_text(document)))
        if len(batch) >= 200:
            index_rows(batch, conn=conn)
            count += len(batch)
            batch = []
    index_rows(batch, conn=conn)
    return count + len(batch)


def match(terms: list[str], *, limit: int) -> list[tuple[int, float]]:
    """(document id, score — higher is better) of the current documents holding every term, best first."""
    if not terms:
        return []
    from .models import PolicyDocument

    documents = PolicyDocument._meta.db_table
    with connection.cursor() as cursor:
        if _vendor() == "postgresql":
            query = " & ".join(_quote_lexeme(term) for term in terms)
            cursor.execute(
                f"SELECT s.document_id, ts_rank(s.body, q) AS score FROM {TABLE} s "  # noqa: S608 (constant table names)
                f"JOIN {documents} d ON d.id = s.document_id AND d.content_hash = s.content_hash, "
                "CAST(%s AS tsquery) q "
                "WHERE d.is_current AND s.body @@ q ORDER BY score DESC, s.document_id LIMIT %s",
                [query, limit],
            )
        else:
            query = " AND ".join('"' + term.replace('"', '""') + '"' for term in terms)
            cursor.execute(
                f"SELECT {TABLE}.rowid, -bm25({TABLE}) AS score FROM {TABLE} "  # noqa: S608 (constant table names)
                f"JOIN {documents} d ON d.id = {TABLE}.rowid AND d.content_hash = {TABLE}.content_hash "
                f"WHERE {TABLE} MATCH %s AND d.is_current ORDER BY score DESC, {TABLE}.rowid LIMIT %s",
                [query, limit],
            )
        return [(pk, float(score)) for pk, score in cursor.fetchall()]
