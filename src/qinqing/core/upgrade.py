"""The upgrade check (``./qinqing upgrade-check``, docs/OPERATIONS.md "Upgrading a district"): a database
built by an earlier release is migrated by this one and loses nothing.

1. the source tree of the earlier release (``git archive REV src``) migrates a fresh SQLite file and loads
   the demo district on it, as its ``./qinqing serve`` does on first run, in a subprocess with this .venv;
2. this code migrates the same file, verifies the audit log (the chain, the published heads, every audited
   record against its last event: what ``./qinqing audit verify`` runs) and opens every menu and tile link
   of each demo account through Django's test client, expecting no 5xx;
3. the rows per table before and after are compared: no table may lose rows.

The environment of both subprocesses is this one's without DATABASE_URL and every QINQING_* variable
(a check must not touch a real database, key or anchor file), then demo mode on the temporary directory.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
import time
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path

# The line the inspecting subprocess prints its findings on (JSON), among Django's own output.
RESULT_MARK = "qinqing-upgrade-check-result: "
# The menu and tile links of a signed-in page (tests/test_navigation.py walks the same, through menu_links).
_LINK = re.compile(r'<a (?:class="tile" )?href="([^"]+)"[^>]*data-testid="(?:menu-link|tile)-[^"]*"')


@dataclass
class Findings:
    """What the check found; ``problems`` empty means the upgrade lost nothing."""

    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


# Tables a landed migration dropped after moving their rows into another: old table → new table.
MOVED_TABLES = {
    "appeals_trackingcounter": "core_counter",  # appeals.0008: the per-day counters move to core.Counter
}


# --- pure logic ---------------------------------------------------------------------------------------------
def row_count_losses(
    before: dict[str, int], after: dict[str, int], moved: dict[str, str] | None = None
) -> list[str]:
    """A problem per table that held rows before the upgrade and holds fewer (or is gone) after it. A table
    ``moved`` names may go when the table it moved to holds at least as many rows as the two held before."""
    moved = MOVED_TABLES if moved is None else moved
    problems = []
    for table, count in sorted(before.items()):
        if table not in after:
            target = moved.get(table)
            if target is not None and after.get(target, 0) >= count + before.get(target, 0):
                continue
            if count:
                where = f", and {target} did not gain them" if target else ""
                problems.append(f"table {table}: gone after the upgrade ({count} rows before{where})")
        elif after[table] < count:
            problems.append(f"table {table}: {count} rows before the upgrade, {after[table]} after")
    return problems


def menu_links(html: str) -> list[str]:
    """The menu and tile links a signed-in page shows, each once."""
    return sorted({unescape(href) for href in _LINK.findall(html)})


# --- the database file --------------------------------------------------------------------------------------
def row_counts(path: Path) -> dict[str, int]:
    """Rows per table of a SQLite file (read directly: no Django, no migration state needed)."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = [name for (name,) in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )]
        return {
            table: connection.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]  # noqa: S608 (sqlite_master)
            for table in tables
        }
    finally:
        connection.close()


# --- the two releases ---------------------------------------------------------------------------------------
def default_revision(home: Path) -> str:
    """The release the check upgrades from: ``.ci/upgrade-from`` (the last commit whose CI passed)."""
    return (home / ".ci" / "upgrade-from").read_text().strip()


def export_source(home: Path, revision: str, target: Path) -> None:
    """The ``src`` tree of ``revision`` written under ``target``."""
    archive = target / "src.tar"
    with archive.open("wb") as out:
        subprocess.run(  # noqa: S603
            ["git", "-C", str(home), "archive", revision, "src"], stdout=out, check=True  # noqa: S607
        )
    with tarfile.open(archive) as tar:
        tar.extractall(target, filter="data")
    archive.unlink()


def subprocess_env(*, src: Path, home: Path, var_dir: Path) -> dict[str, str]:
    env = {
        name: value for name, value in os.environ.items()
        if not name.startswith("QINQING_")
        and name not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE", "PYTHONPATH"}
    }
    env.update(
        PYTHONPATH=str(src), QINQING_HOME=str(home), QINQING_VAR_DIR=str(var_dir), QINQING_MODE="demo",
        DJANGO_SETTINGS_MODULE="qinqing.settings",
    )
    return env


def _run(command: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 (our own CLI, this interpreter)
        [sys.executable, "-m", "qinqing.cli", *command], env=env, cwd=cwd, capture_output=True, text=True,
    )


def _tail(text: str, lines: int = 20) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


def run_check(*, home: Path, revision: str, scale: int, keep: bool, say) -> Findings:
    """The whole check; ``say`` prints a progress line."""
    import qinqing

    findings = Findings()
    current_src = Path(qinqing.__file__).resolve().parent.parent
    work = Path(tempfile.mkdtemp(prefix="qinqing-upgrade-"))
    old_home, var_dir = work / "old", work / "var"
    old_home.mkdir()
    var_dir.mkdir()
    database = var_dir / "qinqing.sqlite3"
    try:
        started = time.monotonic()
        say(f"exporting {revision} ...")
        export_source(home, revision, old_home)
        say(f"{revision}: migrating a fresh SQLite file and loading the demo district (scale {scale}) ...")
        old = _run(["serve", "--no-serve", "--scale", str(scale)],
                   subprocess_env(src=old_home / "src", home=old_home, var_dir=var_dir), old_home)
        if old.returncode != 0 or not database.exists():
            findings.problems.append(f"{revision} could not build its database (exit {old.returncode}):\n"
                                     + _tail(old.stdout + old.stderr))
            return findings
        before = row_counts(database)
        say(f"{revision}: {sum(before.values())} rows in {len(before)} tables "
            f"({time.monotonic() - started:.0f} s)")
        say("this release: migrating, verifying the audit log, opening every demo role's pages ...")
        new = _run(["upgrade-check", "--inspect"],
                   subprocess_env(src=current_src, home=home, var_dir=var_dir), home)
        lines = [line for line in new.stdout.splitlines() if line.startswith(RESULT_MARK)]
        if not lines:
            findings.problems.append(f"this release's inspection did not finish (exit {new.returncode}):\n"
                                     + _tail(new.stdout + new.stderr))
            return findings
        inspected = json.loads(lines[-1][len(RESULT_MARK):])
        findings.problems += inspected["problems"]
        findings.notes += inspected["notes"]
        after = row_counts(database)
        findings.problems += row_count_losses(before, after)
        findings.notes.append(
            f"rows: {sum(before.values())} in {len(before)} tables before, {sum(after.values())} in "
            f"{len(after)} tables after"
        )
        return findings
    finally:
        if keep:
            say(f"kept: {work}")
        else:
            import shutil

            shutil.rmtree(work, ignore_errors=True)


# --- this release's side (runs in the subprocess, on the upgraded file) -------------------------------------
def inspect_upgraded() -> Findings:
    """Migrate the database the settings name, verify the audit log and walk every demo role's pages."""
    from io import StringIO

    from django.core.management import call_command

    findings = Findings()
    migrated = StringIO()
    call_command("migrate", interactive=False, verbosity=1, stdout=migrated)
    applied = [line.strip().removeprefix("Applying ").removesuffix("... OK").strip()
               for line in migrated.getvalue().splitlines() if line.strip().startswith("Applying ")]
    listed = f" ({', '.join(applied)})" if len(applied) <= 12 else ""
    findings.notes.append(f"migrations applied: {len(applied)}{listed}")
    _verify_audit(findings)
    _walk_pages(findings)
    return findings


def _verify_audit(findings: Findings) -> None:
    """What ``./qinqing audit verify`` runs: the chain, the published heads, each record against its
    last event."""
    from qinqing.core.audit import verify_chain
    from qinqing.core.transparency import publish

    path = publish.anchor_path()
    anchored = publish.read_anchor_file(path) if path and path.exists() else []
    result = verify_chain(check_records=True, anchor_heads=anchored)
    if result.ok:
        findings.notes.append(
            f"audit log intact: {result.events_checked} events, {result.records_checked} records checked "
            f"against {len(anchored)} published heads"
        )
    else:
        where = f" at event #{result.first_broken_seq}" if result.first_broken_seq else ""
        findings.problems.append(f"audit log broken{where}:")
        findings.problems += [f"  audit: {problem}" for problem in result.problems]


def _walk_pages(findings: Findings) -> None:
    """Each demo account's home page and every menu and tile link it shows: no 5xx."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    from qinqing.core.demo import DEMO_ACCOUNTS

    opened, absent = 0, []
    for username, _role, _name in DEMO_ACCOUNTS:
        user = get_user_model().objects.filter(username=username).first()
        if user is None:  # an account the earlier release's demo did not have (lost rows: the row counts)
            absent.append(username)
            continue
        client = Client(raise_request_exception=False)
        client.force_login(user)
        home = client.get("/")
        shown = menu_links(home.content.decode("utf-8", "replace")) if home.status_code < 500 else []
        for page in ["/", *shown]:
            response = home if page == "/" else client.get(page, follow=True)
            opened += 1
            if response.status_code >= 500:
                findings.problems.append(f"page {page} as {username}: {response.status_code}")
    findings.notes.append(f"pages opened: {opened} for {len(DEMO_ACCOUNTS) - len(absent)} demo accounts"
                          + (f" (not in the earlier demo: {', '.join(absent)})" if absent else ""))
