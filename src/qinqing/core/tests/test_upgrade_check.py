"""``core.upgrade``'s pure logic: the row-count comparison names the table that lost rows, the link
walk finds each menu and tile link once, and the row counter reads a SQLite file without Django. The
whole check (two releases, the demo district) runs in CI: ``./qinqing upgrade-check`` in .ci/run."""

import sqlite3

from qinqing.core.upgrade import menu_links, row_count_losses, row_counts


def test_a_table_with_fewer_rows_after_the_upgrade_is_named():
    before = {"directory_person": 40, "core_auditevent": 900, "appeals_appeal": 12}
    after = {"directory_person": 39, "core_auditevent": 950, "appeals_appeal": 12, "core_timelimit": 6}
    assert row_count_losses(before, after) == ["table directory_person: 40 rows before the upgrade, 39 after"]


def test_a_table_gone_after_the_upgrade_is_named_unless_it_was_empty():
    before = {"legal_old": 3, "legal_empty": 0}
    assert row_count_losses(before, {}) == ["table legal_old: gone after the upgrade (3 rows before)"]


def test_nothing_lost_is_no_problem():
    assert row_count_losses({"a": 1, "b": 0}, {"a": 1, "b": 0, "c": 5}) == []


def test_menu_links_are_the_menu_and_tile_links_once():
    html = (
        '<a href="/appeals/" data-testid="menu-link-appeals">诉求</a>'
        '<a class="tile" href="/fairness/?q=1&amp;x=2" data-testid="tile-fairness">x</a>'
        '<a href="/appeals/" data-testid="menu-link-appeals-again">诉求</a>'
        '<a href="/elsewhere/">not a menu link</a>'
    )
    assert menu_links(html) == ["/appeals/", "/fairness/?q=1&x=2"]


def test_row_counts_reads_every_table_of_a_sqlite_file(tmp_path):
    path = tmp_path / "db.sqlite3"
    connection = sqlite3.connect(path)
    connection.executescript("CREATE TABLE a (x); INSERT INTO a VALUES (1), (2); CREATE TABLE b (y);")
    connection.close()
    assert row_counts(path) == {"a": 2, "b": 0}


def test_a_table_a_migration_moved_may_go_when_its_rows_arrived():
    moved = {"appeals_trackingcounter": "core_counter"}
    before = {"appeals_trackingcounter": 3, "core_counter": 2}
    assert row_count_losses(before, {"core_counter": 5}, moved) == []
    assert row_count_losses(before, {"core_counter": 4}, moved) == [
        "table appeals_trackingcounter: gone after the upgrade (3 rows before,"
        " and core_counter did not gain them)"
    ]
