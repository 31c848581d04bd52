"""The SQLite test database migrated once, then restored from a copy (conftest's ``django_db_setup``).

Migrating the test database took 24 s of every pytest process on a slow machine (Django renders the
model states again for each of the 165 migrations), paid by every targeted run and by each worker of
a whole run. The first run that migrates keeps a copy of the migrated database under
``var/test-cache/``, named by a digest of what decides its contents: Django's version, every installed
app's migration files and the project's modules those migrations import (the fairness rules' seeding,
the audit log, the encryption). A later run with the same digest restores that copy (SQLite's backup
API) instead of migrating, then sends ``post_migrate`` as ``migrate`` would, so what the apps set up
from code after every migrate (role groups, job schedules, seeded rules) follows the code as it is.

PostgreSQL is migrated as before (CI's second run), and a clean clone (CI's first run) has no copy: both
run every migration, so what CI proves is unchanged; ``.ci/run`` sets ``QINQING_TEST_DB_CACHE=0``, which
turns the copy off, so that a checkout with a copy left in ``var/`` migrates in CI too.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import sqlite3
from pathlib import Path

_IMPORT = re.compile(rb"^\s*import\s+(qinqing(?:\.\w+)+)", re.MULTILINE)
_FROM = re.compile(rb"^\s*from\s+(qinqing(?:\.\w+)+)\s+import\s+\(?([\w ,]+)", re.MULTILINE)


def _spec(dotted: str):
    import importlib.util

    try:
        return importlib.util.find_spec(dotted)
    except (ImportError, ValueError):
        return None


def _module_files(dotted: str) -> list[Path]:
    """The file of a module, or every .py file of a package."""
    spec = _spec(dotted)
    if spec is None:
        return []
    if spec.submodule_search_locations:
        folders = spec.submodule_search_locations
        return sorted(path for folder in folders for path in Path(folder).rglob("*.py"))
    return [Path(spec.origin)] if spec.origin else []


def _imported(content: bytes) -> set[str]:
    """The project's modules a migration imports: ``import a.b``, ``from a.b import c`` (``a.b.c`` when it
    is a module, else ``a.b`` itself, its ``__init__`` only when a package)."""
    found = {name.decode() for name in _IMPORT.findall(content)}
    for module, names in _FROM.findall(content):
        for name in names.decode().replace(" ", "").split(","):
            candidate = f"{module.decode()}.{name}"
            found.add(candidate if name and _spec(candidate) is not None else module.decode() + ":init")
    return found


def _data_files(module_file: Path) -> list[Path]:
    """Data a migration's helper reads from its app (the fairness rules' seed folder)."""
    seed = module_file.parent / "seed"
    return sorted(path for path in seed.rglob("*") if path.is_file()) if seed.is_dir() else []


def digest() -> str:
    import django
    from django.apps import apps

    hashed = hashlib.sha256(django.__version__.encode())
    imported: set[str] = set()
    for config in sorted(apps.get_app_configs(), key=lambda config: config.label):
        folder = Path(config.path) / "migrations"
        for path in sorted(folder.glob("*.py")) if folder.is_dir() else []:
            content = path.read_bytes()
            hashed.update(f"{config.label}/{path.name}".encode() + b"\0" + content)
            imported.update(_imported(content))
    for dotted in sorted(imported):
        if dotted.endswith(":init"):
            spec = _spec(dotted[: -len(":init")])
            files = [Path(spec.origin)] if spec is not None and spec.origin else []
        else:
            files = _module_files(dotted)
        for path in files:
            hashed.update(dotted.encode() + b"\0" + path.read_bytes())
            for data in _data_files(path):
                hashed.update(str(data.name).encode() + b"\0" + data.read_bytes())
    return hashed.hexdigest()[:24]


def _cache_file() -> Path:
    from django.conf import settings

    return Path(settings.VAR_DIR) / "test-cache" / f"migrated-{digest()}.sqlite3"


@contextlib.contextmanager
def migrated_once():
    """Around ``setup_databases``: restore the migrated copy instead of migrating, or keep one."""
    from django.db import connection

    if connection.vendor != "sqlite" or os.environ.get("QINQING_TEST_DB_CACHE", "1") == "0":
        yield
        return
    import django.core.management as management

    cached = _cache_file()
    real_call_command = management.call_command

    def call_command(name, *args, **options):
        if name != "migrate":
            return real_call_command(name, *args, **options)
        if cached.exists():
            _restore(cached)
            return None
        result = real_call_command(name, *args, **options)
        _keep(cached)
        return result

    management.call_command = call_command
    try:
        yield
    finally:
        management.call_command = real_call_command


def _restore(cached: Path) -> None:
    """The copy into the (empty, in-memory) test database, then ``post_migrate`` as migrate sends it."""
    from django.contrib.contenttypes.models import ContentType
    from django.core.management.sql import emit_post_migrate_signal
    from django.db import connection

    connection.ensure_connection()
    source = sqlite3.connect(f"file:{cached}?mode=ro", uri=True)
    try:
        source.backup(connection.connection)
    finally:
        source.close()
    ContentType.objects.clear_cache()
    emit_post_migrate_signal(verbosity=0, interactive=False, db=connection.alias)


def _keep(cached: Path) -> None:
    """A copy of the freshly migrated test database (written aside, then renamed: two workers may
    both be saving it)."""
    from django.db import connection

    cached.parent.mkdir(parents=True, exist_ok=True)
    for old in cached.parent.glob("migrated-*.sqlite3"):
        if old != cached:
            with contextlib.suppress(OSError):
                old.unlink()
    partial = cached.with_suffix(f".{os.getpid()}.partial")
    target = sqlite3.connect(partial)
    try:
        connection.connection.backup(target)
    finally:
        target.close()
    os.replace(partial, cached)
