"""Publishing signed heads outside the database: an append-only file (put it on another
volume), witnesses by URL, and the public page ``/transparency/`` (``views``).

Each attempt is recorded as an ``AuditPublication`` row: success only when the file was
written and synced, or the witness answered 2xx."""

from __future__ import annotations

import json
import logging
import os
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from .. import clock
from ..models import AuditPublication, AuditTreeHead
from . import heads, sequencer

logger = logging.getLogger("qinqing.core.transparency")

WITNESS_TIMEOUT_SECONDS = 5


def anchor_path() -> Path | None:
    return Path(settings.AUDIT_ANCHOR_FILE) if settings.AUDIT_ANCHOR_FILE else None


def read_anchor_file(path: Path | None = None) -> list[dict[str, Any]]:
    """Every head in the anchor file, oldest first (lines that are not JSON heads are skipped
    with a warning: the file is evidence, never silently rewritten)."""
    path = path or anchor_path()
    if path is None or not path.exists():
        return []
    found = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            line = line.strip()
            if not line:
                continue
            try:
                head = json.loads(line)
                int(head["tree_size"]), head["root_hash"], head["signature"]  # noqa: B018 (shape check)
            except (ValueError, KeyError, TypeError):
                logger.warning("anchor file %s line %d is not a tree head; skipped", path, number)
                continue
            head["_where"] = f"{path} line {number}"
            found.append(head)
    return found


def _last_anchored_size(path: Path) -> int | None:
    if not path.exists() or path.stat().st_size == 0:
        return None
    with path.open("rb") as handle:
        handle.seek(max(0, path.stat().st_size - 4096))
        lines = [line for line in handle.read().splitlines() if line.strip()]
    try:
        return int(json.loads(lines[-1])["tree_size"])
    except (ValueError, KeyError, IndexError):
        return None


def append_to_file(head: AuditTreeHead, path: Path) -> tuple[bool, str]:
    """Append the head as one JSON line (O_APPEND, then fsync); skip it if it is the last line."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if _last_anchored_size(path) == head.tree_size:
            return True, "already the last line"
        line = json.dumps(heads.as_json(head), ensure_ascii=False, sort_keys=True) + "\n"
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, line.encode())
            os.fsync(fd)
        finally:
            os.close(fd)
        return True, "appended"
    except OSError as error:
        return False, f"{type(error).__name__}: {error}"[:500]


def post_to_witness(head: AuditTreeHead, url: str) -> tuple[bool, str]:
    if not url.startswith(("https://", "http://")):
        return False, "not an http(s) URL"
    body = json.dumps(heads.as_json(head), ensure_ascii=False).encode()
    request = urllib.request.Request(  # noqa: S310 (an http(s) URL the operator configured)
        url, data=body, method="POST", headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=WITNESS_TIMEOUT_SECONDS) as response:  # noqa: S310
            status = response.status
            answer = response.read(300).decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return False, f"HTTP {error.code}"
    except (urllib.error.URLError, OSError, ValueError) as error:
        return False, f"{type(error).__name__}: {getattr(error, 'reason', error)}"[:500]
    if 200 <= status < 300:
        return True, f"HTTP {status} {answer}".strip()[:500]
    return False, f"HTTP {status}"


@dataclass
class PublishReport:
    head: AuditTreeHead | None
    outcomes: list[tuple[str, bool, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.head is not None and all(ok for _, ok, _ in self.outcomes)

    def summary(self) -> str:
        if self.head is None:
            return str(_("no signed head yet: nothing to publish"))
        separator, published, failed = pgettext("label separator", ": "), _("published"), _("FAILED")
        parts = [
            f"{target}{separator}{published if ok else failed} ({detail})"
            for target, ok, detail in self.outcomes
        ]
        return _("head %(size)s %(root)s → %(targets)s") % {
            "size": self.head.tree_size, "root": self.head.root_hash[:16],
            "targets": "; ".join(parts) or _("no targets configured")}


def publish_now() -> PublishReport:
    """Integrate what is pending, then publish the newest signed head to every target."""
    sequencer.integrate_all()
    head = heads.latest()
    report = PublishReport(head)
    if head is None:
        return report
    targets: list[tuple[str, Any]] = []
    path = anchor_path()
    if path is not None:
        targets.append((f"file:{path}", lambda: append_to_file(head, path)))
    for url in settings.AUDIT_WITNESS_URLS:
        targets.append((f"witness:{url}", lambda url=url: post_to_witness(head, url)))
    for target, attempt in targets:
        ok, detail = attempt()
        report.outcomes.append((target, ok, detail))
        AuditPublication.objects.create(
            head=head, target=target[:300], ok=ok, detail=detail[:500], at=clock.now()
        )
        if not ok:
            logger.error("publishing audit head %s to %s failed: %s", head.tree_size, target, detail)
    return report


def job() -> PublishReport:
    """The periodic job: publish, and fail the run (retries, the jobs page) when a target failed."""
    report = publish_now()
    if report.head is not None and not report.ok:
        raise RuntimeError(report.summary())
    return report
