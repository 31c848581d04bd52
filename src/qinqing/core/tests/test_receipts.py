"""Filing receipts (issue 19): the code, the public pages, the proof, the offline check."""

import copy
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from qinqing.appeals.tests.factories import file_appeal
from qinqing.core.transparency import check_receipt, merkle, receipts, sequencer

pytestmark = pytest.mark.django_db
JS = Path(__file__).resolve().parents[1] / "static" / "core" / "receipt-verify.js"


def test_the_code_is_the_content_hashs_prefix_in_crockford_base32_and_reads_what_people_type():
    content_hash = "0123456789abcdef0123" + "f" * 44
    code = receipts.code_for(content_hash)
    assert len(code) == 19 and code.count("-") == 3
    assert receipts.hash_prefix(code) == content_hash[:20]
    typed = code.lower().replace("-", " ").replace("1", "l").replace("0", "o")
    assert receipts.normalise(typed) == code
    assert receipts.normalise("ABCD-EFGH") is None
    assert receipts.normalise("UUUU-UUUU-UUUU-UUUU") is None  # U is not in the alphabet
    assert check_receipt.code_for(content_hash) == code  # the standalone checker agrees


@pytest.fixture
def filed(workday_calendar):
    appeal = file_appeal(title="绝密标题", content="某某科技有限公司反映厂房验收问题（独特内容RECEIPT）")
    return appeal, receipts.for_appeal(appeal)


def test_a_receipt_is_pending_until_sequenced_then_carries_a_proof_that_verifies(client, filed):
    appeal, receipt = filed
    assert receipt is not None and receipt.code == receipts.code_for(receipt.content_hash)
    pending = client.get(reverse("transparency_receipt_json", args=[receipt.code])).json()
    assert pending["status"] == "pending" and pending["proof"] is None
    page = client.get(reverse("transparency_receipt", args=[receipt.code]))
    assert page.status_code == 200 and 'data-status="pending"' in page.content.decode()
    sequencer.integrate()
    data = client.get(reverse("transparency_receipt_json", args=[receipt.code])).json()
    assert data["status"] == "included" and data["content_hash"] == receipt.content_hash
    proof = data["proof"]
    leaf = merkle.leaf_hash(bytes.fromhex(receipt.content_hash))
    path = [bytes.fromhex(node) for node in proof["audit_path"]]
    assert merkle.verify_inclusion(leaf, proof["leaf_index"], proof["tree_size"], path,
                                   bytes.fromhex(proof["head"]["root_hash"]))
    heads = client.get(reverse("transparency_heads")).json()
    results = check_receipt.check(data, heads=[heads["latest"]], code=receipt.code.lower())
    assert all(passed is not False for passed, _text in results), results
    assert sum(passed is True for passed, _text in results) >= 5
    # The public page never shows the filing: no tracking number, title, content or enterprise.
    body = client.get(reverse("transparency_receipt", args=[receipt.code])).content.decode()
    for secret in (appeal.tracking_number, "绝密标题", "独特内容RECEIPT"):
        assert secret not in body and secret not in json.dumps(data, ensure_ascii=False)
    assert 'data-status="included"' in body and "receipt-verify.js" in body


def test_a_tampered_proof_fails_the_offline_check(client, filed, tmp_path):
    _appeal, receipt = filed
    for _ in range(3):  # a few more events so the path is not empty
        file_appeal()
    sequencer.integrate()
    data = client.get(reverse("transparency_receipt_json", args=[receipt.code])).json()
    assert data["proof"]["audit_path"]
    good = tmp_path / "receipt.json"
    good.write_text(json.dumps(data))
    call_command("check_receipt", str(good), "--code", receipt.code)  # exit 0
    for tamper in ("path", "root", "code"):
        bad = copy.deepcopy(data)
        if tamper == "path":
            bad["proof"]["audit_path"][0] = "00" * 32
        elif tamper == "root":
            bad["proof"]["head"]["root_hash"] = "11" * 32
        else:
            bad["receipt"] = receipts.code_for("22" * 32)
        results = check_receipt.check(bad)
        assert any(passed is False for passed, _text in results), tamper
        path = tmp_path / f"{tamper}.json"
        path.write_text(json.dumps(bad))
        with pytest.raises(CommandError) as raised:
            call_command("check_receipt", str(path))
        assert raised.value.returncode == 1
    # a head you hold with another root for the same size: detected
    other = dict(data["proof"]["head"], root_hash="33" * 32)
    assert any(passed is False for passed, _text in check_receipt.check(data, heads=[other]))


def test_short_link_lookup_and_bad_codes(client, filed):
    _appeal, receipt = filed
    short = client.get(reverse("receipt_short", args=[receipt.code.replace("-", "").lower()]))
    assert short.status_code == 302
    assert short["Location"] == reverse("transparency_receipt", args=[receipt.code])
    looked = client.get(reverse("transparency_receipt_lookup"), {"code": receipt.code.lower()})
    assert looked.status_code == 302
    bad = client.get(reverse("transparency_receipt_lookup"), {"code": "not-a-code"})
    assert bad.status_code == 400 and "16" in bad.content.decode()
    assert client.get(reverse("transparency_receipt_json", args=["x"])).json()["field"] == "code"
    unknown = receipts.code_for("44" * 32)
    assert client.get(reverse("transparency_receipt", args=[unknown])).status_code == 404
    assert client.get(reverse("transparency_receipt_json", args=[unknown])).status_code == 404


def test_the_acknowledgements_carry_the_receipt(client, make_user, workday_calendar):
    from qinqing.core.roles import Role

    operator = make_user(Role.DEPARTMENT_HANDLER)
    client.force_login(operator)
    client.post(reverse("appeals_channels:operator_record"), {
        "channel": "letter", "received_on": "2026-11-30", "contact_name": "王某",
        "contact_address": "某市某路 1 号",
        "title": "来信反映厂房租金补贴", "content": "来信反映厂房租金补贴至今没有发放，请协调。"})
    from qinqing.appeals.models import Appeal

    appeal = Appeal.objects.get()
    receipt = receipts.for_appeal(appeal)
    letter = client.get(reverse("appeals_channels:operator_acknowledgement", args=[appeal.tracking_number]))
    body = letter.content.decode()
    assert receipt.code in body and 'data-testid="receipt-qr"' in body and "<svg" in body
    assert receipt.short_path in body


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_the_browser_script_computes_sm3_and_rfc9162_inclusion_like_python():
    import os

    leaves = [merkle.leaf_hash(os.urandom(32)) for _ in range(13)]
    cases = []
    for size in range(1, 14):
        root = merkle.root_hash(leaves[:size])
        for index in range(size):
            path = merkle.inclusion_proof(index, size, leaves[:size])
            cases.append([leaves[index].hex(), index, size, [p.hex() for p in path], root.hex()])
    messages = [os.urandom(n).hex() for n in (0, 1, 55, 56, 63, 64, 65, 200)]
    script = (
        "global.window = {}; global.document = {readyState: 'complete', getElementById: () => null};"
        f"require({json.dumps(str(JS))}); const r = window.qinqingReceipt;"
        "const input = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
        "const h = r.fromHex;"
        "const ok = input.cases.map(c => r.verifyInclusion(h(c[0]), c[1], c[2], c[3].map(h), h(c[4])));"
        "const bad = input.cases.filter(c => c[3].length).map(c => r.verifyInclusion(h(c[0]), c[1], c[2],"
        " [h('00'.repeat(32))].concat(c[3].slice(1).map(h)), h(c[4])));"
        "console.log(JSON.stringify({ok, bad, sm3: input.messages.map(m => r.sm3(m)),"
        " code: r.codeFor(input.hash)}));"
    )
    content_hash = "89abcdef0123456789ab" + "0" * 44
    out = subprocess.run(  # noqa: S603 (our own script, no shell)
        [shutil.which("node"), "-e", script],
        input=json.dumps({"cases": cases, "messages": messages, "hash": content_hash}),
        capture_output=True, text=True, check=True, timeout=60,
    )
    result = json.loads(out.stdout)
    assert all(result["ok"]) and not any(result["bad"])
    assert result["sm3"] == [merkle.sm3(bytes.fromhex(m)).hex() for m in messages]
    assert result["code"] == receipts.code_for(content_hash)


def test_an_api_filing_answers_with_its_receipt_code(client, api_key, workday_calendar):
    _key, raw = api_key("appeals:write")
    response = client.post(
        "/api/v1/appeals/", {"content": "咨询高新技术企业认定（回执）", "contact_phone": "13700137001"},
        content_type="application/json", HTTP_X_API_KEY=raw,
    )
    assert response.status_code == 201, response.content
    from qinqing.appeals.models import Appeal

    appeal = Appeal.objects.get(tracking_number=response.json()["tracking_number"])
    assert response.json()["receipt"] == receipts.for_appeal(appeal).code
