/* Checks a filing receipt in the browser (issue 19): SM3 (GB/T 32905-2016) and the RFC 9162
 * inclusion proof of the filing's audit event against a signed tree head, then that head against
 * the heads the district published. Everything here is local code: no library, no other site.
 * The same checks, offline: docs/OPERATIONS.md, "Checking a filing receipt". */
(function () {
  "use strict";

  // --- SM3 ------------------------------------------------------------------------------
  var IV = [0x7380166f, 0x4914b2b9, 0x172442d7, 0xda8a0600, 0xa96f30bc, 0x163138aa, 0xe38dee4d, 0xb0fb0e4e];

  function rotl(x, n) {
    n %= 32;
    return ((x << n) | (x >>> (32 - n))) >>> 0;
  }
  function p0(x) { return (x ^ rotl(x, 9) ^ rotl(x, 17)) >>> 0; }
  function p1(x) { return (x ^ rotl(x, 15) ^ rotl(x, 23)) >>> 0; }

  function sm3(bytes) {
    var length = bytes.length;
    var padded = new Uint8Array(((length + 9 + 63) >> 6) << 6);
    padded.set(bytes);
    padded[length] = 0x80;
    var bits = length * 8;
    var view = new DataView(padded.buffer);
    view.setUint32(padded.length - 8, Math.floor(bits / 0x100000000));
    view.setUint32(padded.length - 4, bits >>> 0);
    var v = IV.slice();
    var w = new Array(68), w1 = new Array(64);
    for (var offset = 0; offset < padded.length; offset += 64) {
      var j;
      for (j = 0; j < 16; j++) w[j] = view.getUint32(offset + 4 * j);
      for (j = 16; j < 68; j++) {
        w[j] = (p1(w[j - 16] ^ w[j - 9] ^ rotl(w[j - 3], 15)) ^ rotl(w[j - 13], 7) ^ w[j - 6]) >>> 0;
      }
      for (j = 0; j < 64; j++) w1[j] = (w[j] ^ w[j + 4]) >>> 0;
      var a = v[0], b = v[1], c = v[2], d = v[3], e = v[4], f = v[5], g = v[6], h = v[7];
      for (j = 0; j < 64; j++) {
        var t = j < 16 ? 0x79cc4519 : 0x7a879d8a;
        var ss1 = rotl((rotl(a, 12) + e + rotl(t, j)) >>> 0, 7);
        var ss2 = (ss1 ^ rotl(a, 12)) >>> 0;
        var ff = j < 16 ? (a ^ b ^ c) : ((a & b) | (a & c) | (b & c));
        var gg = j < 16 ? (e ^ f ^ g) : ((e & f) | (~e & g));
        var tt1 = ((ff >>> 0) + d + ss2 + w1[j]) >>> 0;
        var tt2 = ((gg >>> 0) + h + ss1 + w[j]) >>> 0;
        d = c; c = rotl(b, 9); b = a; a = tt1;
        h = g; g = rotl(f, 19); f = e; e = p0(tt2);
      }
      v = [a ^ v[0], b ^ v[1], c ^ v[2], d ^ v[3], e ^ v[4], f ^ v[5], g ^ v[6], h ^ v[7]].map(function (x) { return x >>> 0; });
    }
    var out = new Uint8Array(32);
    var outView = new DataView(out.buffer);
    for (var i = 0; i < 8; i++) outView.setUint32(4 * i, v[i]);
    return out;
  }

  // --- bytes and hex ----------------------------------------------------------------------
  function fromHex(hex) {
    if (typeof hex !== "string" || !/^([0-9a-f]{2})*$/.test(hex)) throw new Error("not hexadecimal: " + hex);
    var out = new Uint8Array(hex.length / 2);
    for (var i = 0; i < out.length; i++) out[i] = parseInt(hex.substr(2 * i, 2), 16);
    return out;
  }
  function toHex(bytes) {
    return Array.prototype.map.call(bytes, function (x) { return (x < 16 ? "0" : "") + x.toString(16); }).join("");
  }
  function concat(prefix, parts) {
    var size = 1;
    parts.forEach(function (p) { size += p.length; });
    var out = new Uint8Array(size);
    out[0] = prefix;
    var at = 1;
    parts.forEach(function (p) { out.set(p, at); at += p.length; });
    return out;
  }
  function equal(x, y) {
    if (x.length !== y.length) return false;
    for (var i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
    return true;
  }

  // --- RFC 9162 section 2.1 ---------------------------------------------------------------
  function leafHash(data) { return sm3(concat(0x00, [data])); }
  function nodeHash(left, right) { return sm3(concat(0x01, [left, right])); }

  /* RFC 9162 2.1.3.2: does `path` (bottom first) lead from leaf `index` of a tree of `size` leaves
   * to `root`? Numbers above 2**53 are not expected (a log of that size is not this one). */
  function verifyInclusion(leaf, index, size, path, root) {
    if (!(Number.isSafeInteger(index) && Number.isSafeInteger(size)) || index < 0 || index >= size) return false;
    var fn = index, sn = size - 1, r = leaf;
    for (var i = 0; i < path.length; i++) {
      if (sn === 0) return false;
      if (fn % 2 === 1 || fn === sn) {
        r = nodeHash(path[i], r);
        if (fn % 2 === 0) {
          while (fn % 2 === 0 && fn !== 0) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); }
        }
      } else {
        r = nodeHash(r, path[i]);
      }
      fn = Math.floor(fn / 2);
      sn = Math.floor(sn / 2);
    }
    return sn === 0 && equal(r, root);
  }

  // --- the receipt code (Crockford base32 of the content hash's first 80 bits) --------------
  var ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  function codeFor(contentHash) {
    var bits = "";
    fromHex(contentHash.substr(0, 20)).forEach(function (x) { bits += ("0000000" + x.toString(2)).slice(-8); });
    var chars = "";
    for (var i = 0; i < 80; i += 5) chars += ALPHABET[parseInt(bits.substr(i, 5), 2)];
    return chars.match(/.{4}/g).join("-");
  }

  // --- the check ----------------------------------------------------------------------------
  // The page's translated texts come from data-t-* attributes of the box (no inline script).
  var TEXT = {};
  function check(receipt, published) {
    var steps = [];
    function step(ok, text) { steps.push({ ok: ok, text: text }); return ok; }
    var t = TEXT;
    if (toHex(sm3(new TextEncoder().encode("abc"))) !== "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0") {
      step(false, t.selftest || "SM3 self-test failed");
      return steps;
    }
    var proof = receipt.proof;
    step(codeFor(receipt.content_hash) === receipt.receipt && proof.content_hash === receipt.content_hash,
      t.code || "The receipt code is the start of the filing's content hash");
    var leaf = leafHash(fromHex(receipt.content_hash));
    step(toHex(leaf) === proof.leaf_hash, t.leaf || "Leaf hash = SM3(0x00 || content hash)");
    var head = proof.head;
    var path = proof.audit_path.map(fromHex);
    step(proof.tree_size === head.tree_size &&
         verifyInclusion(leaf, proof.leaf_index, head.tree_size, path, fromHex(head.root_hash)),
      t.path || "The audit path leads to the signed head's root hash");
    var heads = (published.published || []).concat(published.latest ? [published.latest] : []);
    step(heads.some(function (h) {
      return h.tree_size === head.tree_size && h.root_hash === head.root_hash && h.signature === head.signature;
    }), t.published || "The head is one the district published");
    return steps;
  }

  function show(box, steps) {
    var ok = steps.length > 0 && steps.every(function (s) { return s.ok; });
    var t = TEXT;
    var list = box.querySelector("[data-testid=receipt-steps]");
    list.textContent = "";
    steps.forEach(function (s) {
      var item = document.createElement("li");
      item.textContent = (s.ok ? "✓ " : "✗ ") + s.text;
      item.className = s.ok ? "ok" : "failed";
      list.appendChild(item);
    });
    var result = box.querySelector("[data-testid=receipt-result]");
    result.textContent = ok ? (t.verified || "Verified") : (t.failed || "Verification FAILED");
    result.dataset.state = ok ? "verified" : "failed";
    result.className = ok ? "ok" : "error";
  }

  function run() {
    var box = document.getElementById("receipt-check");
    if (!box) return;
    TEXT = {
      selftest: box.dataset.tSelftest, code: box.dataset.tCode, leaf: box.dataset.tLeaf, path: box.dataset.tPath,
      published: box.dataset.tPublished, verified: box.dataset.tVerified, failed: box.dataset.tFailed
    };
    var fail = function (error) {
      show(box, [{ ok: false, text: String(error && error.message || error) }]);
    };
    var get = function (url) {
      return fetch(url, { cache: "no-store", credentials: "omit" }).then(function (r) {
        if (!r.ok) throw new Error(url + ": HTTP " + r.status);
        return r.json();
      });
    };
    get(box.dataset.receiptUrl).then(function (receipt) {
      if (receipt.status !== "included") {
        var result = box.querySelector("[data-testid=receipt-result]");
        result.dataset.state = "pending";
        return null;
      }
      return get(box.dataset.headsUrl).then(function (published) {
        show(box, check(receipt, published));
      });
    }).catch(fail);
  }

  window.qinqingReceipt = { sm3: function (hex) { return toHex(sm3(fromHex(hex))); }, verifyInclusion: verifyInclusion,
    leafHash: leafHash, nodeHash: nodeHash, fromHex: fromHex, toHex: toHex, codeFor: codeFor, check: check };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", run); else run();
})();
