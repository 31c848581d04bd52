"""The test database's migrated copy is named by what decides its contents (tests/migrated_db.py)."""

from tests import migrated_db


def test_the_modules_a_migration_imports_are_found_in_each_form():
    content = b"""
import qinqing.core.crypto
from qinqing.fairness import seeding
from qinqing.core.db import AddFieldInPlace
    from qinqing.core import audit
from django.db import migrations
"""
    assert migrated_db._imported(content) == {
        "qinqing.core.crypto", "qinqing.fairness.seeding", "qinqing.core.db:init", "qinqing.core.audit",
    }


def test_the_name_follows_the_migrations_and_the_helpers_they_import(monkeypatch, tmp_path):
    first = migrated_db.digest()
    assert first == migrated_db.digest()
    seeding = migrated_db._module_files("qinqing.fairness.seeding")[0]
    copy = tmp_path / "seeding.py"
    copy.write_bytes(seeding.read_bytes() + b"\n# changed\n")
    real = migrated_db._module_files
    monkeypatch.setattr(migrated_db, "_module_files",
                        lambda dotted: [copy] if dotted == "qinqing.fairness.seeding" else real(dotted))
    assert migrated_db.digest() != first
