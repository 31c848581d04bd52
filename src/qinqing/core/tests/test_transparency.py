"""The audit log as a verifiable log (issue 19): the Merkle tree (RFC 9162 with SM3), the
sequencer, signed and published heads, proofs, and each tamper kind the issue's probe tried."""

from __future__ import annotations

import datetime
import hashlib
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext

from qinqing.core import audit
from qinqing.core.models import AuditEvent, AuditPublication, AuditTreeHead, AuditTreeNode
from qinqing.core.transparency import canonical, heads, keys, merkle, proofs, publish, sequencer, store

pytestmark = pytest.mark.django_db

OTHER_KEY = "hmac-sm3:" + "ab" * 32  # a key the attacker made up: not the district's
SM2_PRIVATE = "3945208f7b2144b13f36e38ac6d39f95889393692860b51a42fb81ef4df7c5b8"  # GB/T 32918 example key


def _write(n: int = 5, action: str = "test.event", **details) -> list[AuditEvent]:
    with transaction.atomic():
        return [
            audit.record_event(
                actor=audit.SYSTEM, action=action, object_type="test.Thing", object_id=i, details=details
            )
            for i in range(n)
        ]


def _sql(statement, params=()):
    with audit.maintenance_mode(), connection.cursor() as cursor:
        cursor.execute(statement, params)


@pytest.fixture(autouse=True)
def base() -> int:
    """Events already in the database (written by ``migrate``: the accounts' adoption) go into
    the tree first; the tests count from there. At least one, so an older head always exists."""
    if not AuditEvent.objects.exists():
        _write(1, action="test.base")
    sequencer.integrate_all()
    return store.tree_size()


def _leaves() -> list[bytes]:
    return [
        merkle.leaf_hash(bytes.fromhex(h))
        for h in AuditEvent.objects.filter(leaf_index__isnull=False)
        .order_by("leaf_index")
        .values_list("content_hash", flat=True)
    ]


@pytest.fixture
def anchor(settings, tmp_path):
    settings.AUDIT_ANCHOR_FILE = str(tmp_path / "other-volume" / "audit-heads.jsonl")
    return tmp_path / "other-volume" / "audit-heads.jsonl"


def _verify(anchor_path=None, **kwargs):
    anchored = publish.read_anchor_file(anchor_path) if anchor_path else []
    return audit.verify_chain(check_records=False, anchor_heads=anchored, **kwargs)


def _attacker_rebuilds(*, key_line: str | None, settings) -> None:
    """What someone holding the database does after changing events: recompute every content
    hash, throw the tree and its heads away and build them again, signing with ``key_line``."""
    with audit.maintenance_mode(), connection.cursor() as cursor:
        for event in AuditEvent.objects.all():
            cursor.execute(
                "UPDATE core_auditevent SET content_hash = %s, leaf_index = NULL WHERE id = %s",
                [canonical.event_content_hash(event), event.pk],
            )
        cursor.execute("DELETE FROM core_auditpublication")
        cursor.execute("DELETE FROM core_audittreehead")
        cursor.execute("DELETE FROM core_audittreenode")
    if key_line is not None:
        settings.AUDIT_HEAD_KEY = key_line
    sequencer.integrate_all()


# --- the tree ------------------------------------------------------------------------------------------
def test_tree_matches_the_certificate_transparency_test_vectors_with_sha256(monkeypatch):
    """The same code with SHA-256 gives RFC 6962's reference roots (certificate-transparency-go)."""
    monkeypatch.setattr(merkle, "_sm3", lambda data: hashlib.sha256(data).digest())
    data = [
        b"",
        b"\x00",
        b"\x10",
        b"\x20\x21",
        b"\x30\x31",
        b"\x40\x41\x42\x43",
        bytes(range(0x50, 0x58)),
        bytes(range(0x60, 0x70)),
    ]
    leaves = [merkle.leaf_hash(d) for d in data]
    assert (
        merkle.root_hash(leaves[:1]).hex()
        == "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"
    )
    assert (
        merkle.root_hash(leaves[:5]).hex()
        == "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4"
    )
    assert (
        merkle.root_hash(leaves).hex() == "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"
    )


def test_sm3_tree_hashes_follow_rfc_9162_prefixes():
    leaf = merkle.leaf_hash(b"abc")
    assert leaf == hashlib.new("sm3", b"\x00abc").digest()
    assert merkle.node_hash(leaf, leaf) == hashlib.new("sm3", b"\x01" + leaf + leaf).digest()
    assert merkle.empty_root().hex() == "1ab21d8355cfa17f8e61194831e81a8f22bec8c728fefb747ed035eb5082aa2b"


def test_inclusion_and_consistency_proofs_verify_and_refuse_forgeries():
    for size in range(1, 34):
        leaves = [merkle.leaf_hash(bytes([i])) for i in range(size)]
        root = merkle.root_hash(leaves)
        for index in range(size):
            path = merkle.inclusion_proof(index, size, leaves)
            assert merkle.verify_inclusion(leaves[index], index, size, path, root)
            assert not merkle.verify_inclusion(merkle.leaf_hash(b"forged"), index, size, path, root)
            if size > 1:
                assert not merkle.verify_inclusion(leaves[index], (index + 1) % size, size, path, root)
        for first in range(size + 1):
            proof = merkle.consistency_proof(first, size, leaves)
            first_root = merkle.root_hash(leaves[:first])
            assert merkle.verify_consistency(first, size, first_root, root, proof)
            if 0 < first < size:
                assert not merkle.verify_consistency(first, size, root, root, proof)
                assert not merkle.verify_consistency(first, size, first_root, first_root, proof)


def test_stored_tree_gives_the_same_roots_and_proofs_as_the_tree_in_memory():
    leaves = _leaves()
    for batch in (1, 2, 5, 9, 16, 4):  # several passes: the frontier is reloaded from stored nodes each time
        leaves += [merkle.leaf_hash(bytes.fromhex(e.content_hash)) for e in _write(batch)]
        assert sequencer.integrate() == batch
    size = len(leaves)
    assert store.tree_size() == size == AuditEvent.objects.filter(leaf_index__isnull=False).count()
    assert heads.latest().root_hash == merkle.root_hash(leaves).hex()
    for index in (0, 1, 7, size - 2, size - 1):
        assert store.inclusion_proof(index, size) == merkle.inclusion_proof(index, size, leaves)
    for first in (1, 3, 8, 16, size - 1):
        assert store.consistency_proof(first, size) == merkle.consistency_proof(first, size, leaves)
    # every perfect subtree of two or more leaves is stored once: n - popcount(n) nodes
    assert AuditTreeNode.objects.count() == size - bin(size).count("1")


# --- writing and sequencing -----------------------------------------------------------------------------
def test_record_event_sets_the_content_hash_at_once_and_the_proof_follows_the_sequencer(base):
    event = _write(1)[0]
    assert event.content_hash == canonical.event_content_hash(AuditEvent.objects.get(pk=event.pk))
    assert proofs.proof_for_content_hash(event.content_hash) is None  # not yet sequenced
    sequencer.integrate()
    proof = proofs.proof_for_content_hash(event.content_hash)
    assert proof["version"] == 1 and proof["content_hash"] == event.content_hash
    assert proof["leaf_index"] == base and proof["tree_size"] == base + 1
    assert merkle.verify_inclusion(
        bytes.fromhex(proof["leaf_hash"]),
        proof["leaf_index"],
        proof["tree_size"],
        [bytes.fromhex(node) for node in proof["audit_path"]],
        bytes.fromhex(proof["head"]["root_hash"]),
    )
    assert proof["head"]["tree_size"] == proof["tree_size"]
    assert heads.check_signature(proof["head"]) == (True, "")
    assert proofs.proof_for_content_hash("not hex") is None


def test_writes_no_longer_touch_a_shared_row():
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        audit.record_event(actor=audit.SYSTEM, action="test.event", object_type="test.Thing", object_id=1)
    statements = " ".join(q["sql"] for q in queries.captured_queries).lower()
    assert "core_audithead" not in statements and "for update" not in statements


def test_the_sequencer_may_set_a_leaf_index_once_and_nothing_else():
    event = _write(1)[0]
    sequencer.integrate()
    event.refresh_from_db()
    assert event.leaf_index is not None
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(leaf_index=99)
    other = _write(1)[0]
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=other.pk).update(leaf_index=98, action="forged")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=other.pk).delete()


def test_bulk_events_are_hashed_and_sequenced_like_single_ones():
    from qinqing.core.models import ApiKey
    from qinqing.core.services import apikey_create

    keys_made = [
        apikey_create(name=f"bulk-{i}", scopes=["directory:read"], actor=audit.SYSTEM)[0] for i in range(3)
    ]
    with transaction.atomic():
        audit.record_bulk_events(
            actor=audit.SYSTEM, action="core.apikey.bulk", model=ApiKey, pks=[key.pk for key in keys_made]
        )
    sequencer.integrate()
    bulk = AuditEvent.objects.filter(action="core.apikey.bulk")
    assert bulk.count() == 3 and all(e.leaf_index is not None for e in bulk)
    result = audit.verify_chain()
    assert result.ok, result.problems


def test_the_periodic_job_integrates_and_signs():
    _write(3)
    summary = sequencer.run_for(seconds=0, interval=0)
    assert summary.events == 3 and summary.passes == 1 and store.tree_size() == AuditEvent.objects.count()



def test_a_pass_with_nothing_new_reads_one_index_and_takes_no_lock():
    """The job makes four passes a second; an idle one must cost a read, not a transaction with
    the sequencer's lock (on SQLite, the database's write lock)."""
    from django.test.utils import CaptureQueriesContext

    _write(2)
    sequencer.integrate_all()
    with CaptureQueriesContext(connection) as queries:
        assert sequencer.integrate() == 0
    statements = [query["sql"] for query in queries.captured_queries]
    assert len(statements) == 1 and "leaf_index" in statements[0], statements
    assert sequencer.INTERVAL <= 0.25  # what the job and the benchmark use (run_for's default)
    _write(1)
    assert sequencer.integrate() == 1 and store.tree_size() == AuditEvent.objects.count()

# --- keys ---------------------------------------------------------------------------------------------
def test_sm2_heads_verify_with_the_public_key_and_old_keys_still_verify_after_rotation(settings, tmp_path):
    _write(2)
    sequencer.integrate()
    old_head = heads.latest()
    old_line = next(line for line in keys._lines() if line.startswith("hmac-sm3:"))
    settings.AUDIT_HEAD_KEY = ""
    rotated = str(tmp_path / "audit-head.key")
    with open(rotated, "w") as handle:
        handle.write(f"{old_line}\nsm2:{SM2_PRIVATE}\n")
    settings.AUDIT_HEAD_KEY_FILE = rotated
    _write(2)
    sequencer.integrate()
    new_head = heads.latest()
    assert new_head.algorithm == "SM2" and len(new_head.public_key) == 128 and len(new_head.signature) == 128
    assert heads.check_signature(new_head) == (True, "")
    assert heads.check_signature(old_head) == (True, "")  # the old HMAC key still verifies old heads
    forged = heads.as_json(new_head) | {"root_hash": "00" * 32}
    assert heads.check_signature(forged)[0] is False


# --- publication ---------------------------------------------------------------------------------------
class _Witness(BaseHTTPRequestHandler):
    received: list[dict] = []
    status = 200

    def do_POST(self):  # noqa: N802 (http.server's name)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).received.append(json.loads(body))
        self.send_response(type(self).status)
        self.end_headers()
        self.wfile.write(b"noted")

    def log_message(self, *args):
        pass


def test_anchor_publishes_to_the_file_and_to_witnesses_and_records_failures_honestly(anchor, settings, base):
    server = HTTPServer(("127.0.0.1", 0), _Witness)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    good = f"http://127.0.0.1:{server.server_port}/heads"
    settings.AUDIT_WITNESS_URLS = [good, "http://127.0.0.1:9/nobody-listens"]
    _Witness.received = []
    try:
        _write(3)
        with pytest.raises(CommandError):  # one witness is down: the command says so
            call_command("audit", "anchor")
    finally:
        server.shutdown()
    head = heads.latest()
    assert head.tree_size == base + 3
    lines = anchor.read_text().splitlines()
    assert len(lines) == 1 and json.loads(lines[0])["root_hash"] == head.root_hash
    assert _Witness.received[0]["root_hash"] == head.root_hash
    outcomes = {p.target: p.ok for p in AuditPublication.objects.all()}
    assert outcomes == {
        f"file:{anchor}": True,
        f"witness:{good}": True,
        "witness:http://127.0.0.1:9/nobody-listens": False,
    }
    publish.publish_now()  # nothing new: the file does not get the same head twice
    assert len(anchor.read_text().splitlines()) == 1


def test_transparency_page_and_json_are_public(client, anchor, base):
    event = _write(2)[0]
    publish.publish_now()
    page = client.get("/transparency/")
    assert page.status_code == 200
    assert heads.latest().root_hash in page.content.decode()
    data = client.get("/transparency/heads.json").json()
    assert (
        data["latest"]["tree_size"] == base + 2
        and data["published"][0]["root_hash"] == data["latest"]["root_hash"]
    )
    proof = client.get("/transparency/proof.json", {"content_hash": event.content_hash}).json()
    assert proof["leaf_index"] == base and proof["tree_size"] == base + 2
    assert client.get("/transparency/proof.json", {"content_hash": "zz"}).status_code == 400
    assert client.get("/transparency/proof.json", {"content_hash": "0" * 64}).status_code == 404
    pending = _write(1)[0]
    assert client.get("/transparency/proof.json", {"content_hash": pending.content_hash}).status_code == 202
    consistency = client.get("/transparency/consistency.json", {"first": base}).json()
    first_root = bytes.fromhex(AuditTreeHead.objects.get(tree_size=base).root_hash)
    assert merkle.verify_consistency(
        base,
        consistency["second_size"],
        first_root,
        bytes.fromhex(consistency["head"]["root_hash"]),
        [bytes.fromhex(node) for node in consistency["consistency_path"]],
    )
    assert client.get("/transparency/consistency.json", {"first": "-1"}).status_code == 400


# --- verification and each tamper kind ------------------------------------------------------------------
def test_verify_says_how_far_back_the_trail_is_proven(anchor, capsys, base):
    _write(4)
    publish.publish_now()
    _write(3)
    sequencer.integrate()
    _write(2)
    call_command("audit", "verify", "--chain-only")
    out = capsys.readouterr().out
    assert f"Leaves 0–{base + 3} are proven against the head published at" in out
    assert f"Leaves {base + 4}–{base + 6} match the newest signed head (size {base + 7})" in out
    assert "2 events are not yet in the tree" in out


def test_edited_event_is_detected(anchor):
    events = _write(4)
    publish.publish_now()
    _sql("UPDATE core_auditevent SET details = %s WHERE id = %s", ['{"forged": true}', events[1].pk])
    result = _verify(anchor)
    assert not result.ok and result.first_broken_seq == events[1].seq
    assert "does not match its content hash" in result.problems[0]


def test_deleted_event_is_detected(anchor):
    _write(4)
    publish.publish_now()
    events = list(AuditEvent.objects.order_by("-leaf_index")[:4])
    _sql("DELETE FROM core_auditevent WHERE id = %s", [events[1].pk])
    result = _verify(anchor)
    assert not result.ok
    assert any(f"leaf #{events[1].leaf_index} of the audit tree is missing" in p for p in result.problems)


def test_swapped_events_are_detected(anchor):
    _write(4)
    publish.publish_now()
    first, second = AuditEvent.objects.order_by("-leaf_index")[:2]
    _sql("UPDATE core_auditevent SET leaf_index = %s WHERE id = %s", [10**9, first.pk])
    _sql("UPDATE core_auditevent SET leaf_index = %s WHERE id = %s", [first.leaf_index, second.pk])
    _sql("UPDATE core_auditevent SET leaf_index = %s WHERE id = %s", [second.leaf_index, first.pk])
    result = _verify(anchor)
    assert not result.ok
    assert any("does not match the head published" in p for p in result.problems)


def test_removing_the_last_events_and_moving_the_head_is_detected_by_the_published_head(anchor, base):
    """The database alone is consistent after this attack (its own older signed head is genuine);
    the head published to the anchor file at tree size base + 6 is what makes it detectable."""
    _write(3)
    sequencer.integrate()  # a signed head at size base + 3 stays in the database
    kept = base + 3
    _write(3)
    publish.publish_now()  # published: size base + 6
    published = json.loads(anchor.read_text().splitlines()[-1])
    assert published["tree_size"] == base + 6
    _sql("DELETE FROM core_auditpublication")
    _sql("DELETE FROM core_audittreehead WHERE tree_size > %s", [kept])
    for node in AuditTreeNode.objects.all():
        if (node.index + 1) << node.level > kept:
            _sql("DELETE FROM core_audittreenode WHERE id = %s", [node.pk])
    _sql("DELETE FROM core_auditevent WHERE leaf_index >= %s", [kept])
    assert _verify().ok  # without the published head nothing in the database shows it
    result = _verify(anchor)
    assert not result.ok
    assert any(
        f"published at {published['timestamp']}" in p and "removed from the end" in p for p in result.problems
    )


def test_editing_one_event_and_recomputing_everything_is_detected(anchor, settings):
    events = _write(5)
    publish.publish_now()
    _sql("UPDATE core_auditevent SET actor_label = %s WHERE id = %s", ["someone-else", events[2].pk])
    # without the district's key: the re-signed heads do not verify
    _attacker_rebuilds(key_line=OTHER_KEY, settings=settings)
    settings.AUDIT_HEAD_KEY = ""
    result = _verify()
    assert not result.ok
    assert any("is not genuine" in p for p in result.problems)
    # an insider with the key as well: the published head still shows the rewrite
    _attacker_rebuilds(key_line=None, settings=settings)
    assert _verify().ok
    result = _verify(anchor)
    assert not result.ok
    assert any("does not match the head published" in p and "rewritten" in p for p in result.problems)


def test_deleting_a_login_or_reveal_event_and_recomputing_is_detected(anchor, settings, base):
    _write(2)
    login = _write(1, action="core.user.login")[0]
    reveal = _write(1, action="directory.person.reveal_id")[0]
    _write(2)
    publish.publish_now()
    for victim in (login, reveal):
        _sql("DELETE FROM core_auditevent WHERE id = %s", [victim.pk])
    _attacker_rebuilds(key_line=None, settings=settings)  # even with the signing key
    assert AuditEvent.objects.count() == base + 4 and _verify().ok
    result = _verify(anchor)
    assert not result.ok
    assert any("published at" in p for p in result.problems)


def test_verify_command_fails_on_a_rewritten_trail_and_names_the_published_head(anchor, settings, capsys):
    events = _write(3)
    call_command("audit", "anchor")
    call_command("audit", "verify", "--chain-only")
    _sql("UPDATE core_auditevent SET action = %s WHERE id = %s", ["test.other", events[0].pk])
    _attacker_rebuilds(key_line=None, settings=settings)
    with pytest.raises(CommandError):
        call_command("audit", "verify", "--chain-only")
    assert f"{anchor} line 1" in capsys.readouterr().err


def test_truncating_the_tail_without_removing_the_heads_is_detected(base):
    _write(4)
    sequencer.integrate()
    _sql("DELETE FROM core_auditevent WHERE leaf_index = %s", [base + 3])
    result = _verify()
    assert not result.ok and any("removed from the end" in p for p in result.problems)


def test_verify_says_when_old_events_are_not_in_the_tree(base, time_machine):
    """Removing the whole tree from the database leaves the events checked by their own hashes
    only; without a published head that is not provable, but verify says the tree is missing."""
    _write(2)
    time_machine.move_to(datetime.datetime.now(datetime.UTC) + datetime.timedelta(minutes=10))
    result = _verify()
    assert result.ok and result.unsequenced == 2
    assert any("the sequencer is not running" in line for line in result.statements)



def test_the_sequencers_check_for_new_events_reads_the_pending_index_even_with_stale_statistics():
    """Statistics taken while every event was pending (after a bulk load, before the next analyze) made the
    planner scan the whole table for ``EXISTS … WHERE leaf_index IS NULL`` — on every pass, four a second, a
    full scan each (48 ms at 112,000 events; past a core's worth of work at a million). The check the
    sequencer makes is ordered by ``seq``, which the partial index of pending events answers."""
    if connection.vendor != "postgresql":
        pytest.skip("query plans and statistics are PostgreSQL's")
    with transaction.atomic():
        for index in range(2000):
            audit.record_event(actor=audit.SYSTEM, action="test.noise", object_type="test.Thing",
                               object_id=index)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE core_auditevent")  # every event pending in the statistics
    sequencer.integrate_all()
    assert sequencer._first_pending() is None
    with connection.cursor() as cursor:  # the premise: the check as it was (exists()) scans the table
        cursor.execute('EXPLAIN SELECT 1 AS "a" FROM "core_auditevent" WHERE "leaf_index" IS NULL LIMIT 1')
        assert "Seq Scan" in "\n".join(row[0] for row in cursor.fetchall())
    with CaptureQueriesContext(connection) as captured:  # the check the sequencer makes, as it sends it
        sequencer._first_pending()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {captured.captured_queries[-1]['sql']}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "core_audit_pending_idx" in plan and "Seq Scan" not in plan, plan


def test_the_transparency_page_counts_pending_entries_up_to_a_bound(client, monkeypatch):
    from qinqing.core.transparency import views

    sequencer.integrate_all()
    _write(1)
    page = client.get("/transparency/").content.decode()
    assert "1 条记录正等待纳入树中" in page
    monkeypatch.setattr(views, "PENDING_SHOWN", 2)
    _write(2)
    page = client.get("/transparency/").content.decode()
    assert "超过 2 条记录正等待纳入树中" in page and "3 条记录" not in page  # bounded count
    sequencer.integrate_all()
    assert "正等待纳入树中" not in client.get("/transparency/").content.decode()
