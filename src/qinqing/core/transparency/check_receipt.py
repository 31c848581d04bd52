#!/usr/bin/env python3
"""Check a filing receipt offline (issue 19; docs/OPERATIONS.md, "Checking a filing receipt").

Standalone: Python 3.9+ and this file only (its own SM3, GB/T 32905-2016); ``gmssl`` if present
to check an SM2 head signature. No access to the platform is needed once the files are saved::

    python3 check_receipt.py RECEIPT.json [--heads HEADS.json ...] [--code 7K3M-Q9XD-2F6H-VT8A]

``RECEIPT.json``: what ``/transparency/receipt/<code>.json`` answered. ``--heads``: heads you hold
from elsewhere — ``/transparency/heads.json`` saved earlier, the district's anchor file (JSON
lines), a witness's copy. ``--code``: the code on your SMS or letter. Inside the project the same
check is ``./qinqing check_receipt RECEIPT.json [--heads …]``.

Exit status: 0 every check passed; 1 a check failed; 2 the receipt is still pending or unreadable.
"""

from __future__ import annotations

import argparse
import json
import struct
import sys

# --- SM3 (GB/T 32905-2016) ---------------------------------------------------------------------
_IV = (0x7380166F, 0x4914B2B9, 0x172442D7, 0xDA8A0600, 0xA96F30BC, 0x163138AA, 0xE38DEE4D, 0xB0FB0E4E)
_MASK = 0xFFFFFFFF


def _rotl(x: int, n: int) -> int:
    n %= 32
    return ((x << n) | (x >> (32 - n))) & _MASK


def sm3(data: bytes) -> bytes:
    length = len(data)
    data = data + b"\x80" + b"\x00" * ((55 - length) % 64) + struct.pack(">Q", length * 8)
    v = list(_IV)
    for offset in range(0, len(data), 64):
        w = list(struct.unpack(">16I", data[offset:offset + 64]))
        for j in range(16, 68):
            x = w[j - 16] ^ w[j - 9] ^ _rotl(w[j - 3], 15)
            w.append((x ^ _rotl(x, 15) ^ _rotl(x, 23)) ^ _rotl(w[j - 13], 7) ^ w[j - 6])
        w1 = [w[j] ^ w[j + 4] for j in range(64)]
        a, b, c, d, e, f, g, h = v
        for j in range(64):
            t = 0x79CC4519 if j < 16 else 0x7A879D8A
            ss1 = _rotl((_rotl(a, 12) + e + _rotl(t, j)) & _MASK, 7)
            ss2 = ss1 ^ _rotl(a, 12)
            ff = a ^ b ^ c if j < 16 else (a & b) | (a & c) | (b & c)
            gg = e ^ f ^ g if j < 16 else (e & f) | (~e & g)
            tt1 = (ff + d + ss2 + w1[j]) & _MASK
            tt2 = (gg + h + ss1 + w[j]) & _MASK
            d, c, b, a = c, _rotl(b, 9), a, tt1
            h, g, f, e = g, _rotl(f, 19), e, tt2 ^ _rotl(tt2, 9) ^ _rotl(tt2, 17)
        v = [x ^ y for x, y in zip(v, (a, b, c, d, e, f, g, h), strict=True)]
    return struct.pack(">8I", *v)


# --- RFC 9162 section 2.1 ----------------------------------------------------------------------
def leaf_hash(data: bytes) -> bytes:
    return sm3(b"\x00" + data)


def node_hash(left: bytes, right: bytes) -> bytes:
    return sm3(b"\x01" + left + right)


def verify_inclusion(leaf: bytes, index: int, tree_size: int, path: list[bytes], root: bytes) -> bool:
    """RFC 9162 section 2.1.3.2."""
    if not 0 <= index < tree_size:
        return False
    fn, sn, r = index, tree_size - 1, leaf
    for p in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


# --- the receipt code and the head -----------------------------------------------------------------
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def code_for(content_hash: str) -> str:
    value = int(content_hash[:20], 16)
    chars = "".join(ALPHABET[(value >> (5 * (15 - i))) & 31] for i in range(16))
    return "-".join(chars[i:i + 4] for i in range(0, 16, 4))


def head_signing_input(head: dict) -> bytes:
    """Six lines, each ending in a newline (core.transparency.canonical.head_signing_input)."""
    return (
        f"qinqing-audit-tree-head/v1\n{head.get('log_id', 'qinqing-audit')}\n{head['tree_size']}\n"
        f"{head['root_hash']}\n{head['timestamp']}\n{head['key_id']}\n"
    ).encode()


def _heads_in(path: str) -> list[dict]:
    text = open(path, encoding="utf-8").read()  # noqa: SIM115 (a short read)
    try:
        data = json.loads(text)
    except ValueError:  # JSON lines (the anchor file)
        found = []
        for line in text.splitlines():
            if line.strip():
                item = json.loads(line)
                found.append(item.get("head", item))
        return found
    if isinstance(data, list):
        return data
    return [*(data.get("published") or []), *([data["latest"]] if data.get("latest") else [])]


Result = tuple[bool | None, str]


def check(receipt: dict, *, heads: list[dict] | None = None, code: str | None = None) -> list[Result]:
    """The checks, each (passed — None when it could not be made —, what was checked)."""
    results: list[Result] = []
    content_hash = receipt["content_hash"]
    proof = receipt["proof"]
    head = proof["head"]
    results.append((code_for(content_hash) == receipt["receipt"] and proof["content_hash"] == content_hash,
                    f"receipt code {receipt['receipt']} is the start of content hash {content_hash}"))
    if code is not None:
        typed = "".join(c for c in code.upper() if c not in "- ")
        typed = typed.replace("I", "1").replace("L", "1").replace("O", "0")
        results.append((typed == receipt["receipt"].replace("-", ""),
                        f"the code you hold ({code}) is this receipt's"))
    leaf = leaf_hash(bytes.fromhex(content_hash))
    results.append((leaf.hex() == proof["leaf_hash"], "leaf hash = SM3(0x00 || content hash)"))
    path = [bytes.fromhex(node) for node in proof["audit_path"]]
    root = bytes.fromhex(head["root_hash"])
    results.append((
        proof["tree_size"] == head["tree_size"]
        and verify_inclusion(leaf, proof["leaf_index"], head["tree_size"], path, root),
        f"audit path from leaf {proof['leaf_index']} leads to the root of the signed tree "
        f"of {head['tree_size']}",
    ))
    if heads is not None:
        same = [h for h in heads if h.get("tree_size") == head["tree_size"]]
        results.append((
            bool(same) and all(h.get("root_hash") == head["root_hash"] for h in same),
            f"the head of {head['tree_size']} entries is among the {len(heads)} heads you hold, "
            "with the same root",
        ))
    algorithm = head.get("algorithm")
    if algorithm == "SM2":
        try:
            from gmssl import sm2
        except ImportError:
            results.append((None, "SM2 signature not checked: install gmssl (pip install gmssl)"))
        else:
            signer = sm2.CryptSM2(private_key="", public_key=head.get("public_key") or "")
            ok = bool(head.get("public_key")) and bool(
                signer.verify_with_sm3(head["signature"].lower(), head_signing_input(head))
            )
            key = (head.get("public_key") or "")[:16]
            results.append((ok, f"SM2 signature of the head with public key {key}…"))
    else:
        results.append((None, f"{algorithm} signature: only the key's holders can check it; compare the head "
                              "with copies published elsewhere (--heads)"))
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Check a qinqing filing receipt offline.")
    parser.add_argument("receipt", help="the receipt JSON (/transparency/receipt/<code>.json)")
    parser.add_argument("--heads", action="append", default=[], help="a file of heads you hold (repeatable)")
    parser.add_argument("--code", help="the receipt code on your SMS or letter")
    args = parser.parse_args(argv)
    try:
        receipt = json.load(open(args.receipt, encoding="utf-8"))  # noqa: SIM115
    except (OSError, ValueError) as error:
        print(f"cannot read the receipt: {error}")
        return 2
    if receipt.get("status") != "included" or not receipt.get("proof"):
        print(f"receipt {receipt.get('receipt')}: pending — not yet in a signed tree head; "
              "fetch it again later")
        return 2
    heads = [head for path in args.heads for head in _heads_in(path)] if args.heads else None
    failed = False
    for passed, text in check(receipt, heads=heads, code=args.code):
        mark = "OK  " if passed else ("FAIL" if passed is False else "--  ")
        failed |= passed is False
        print(f"{mark} {text}")
    print("RESULT: " + ("FAILED" if failed else "the filing is in the signed log"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
