"""CPU seconds of a benchmark's server workers, their PostgreSQL backends and any helper process, read from
/proc (Linux): per request, the figure the machine's other load moves least (it changes throughput, not the
work a request takes). Used by ``eligibility`` and ``appeals_intake``."""

from __future__ import annotations

import os
from pathlib import Path

_TICK = os.sysconf("SC_CLK_TCK")


def available() -> bool:
    return Path("/proc/self/stat").exists()


def cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return 0.0  # the process ended (a backend closed its connection)
    return (int(fields[11]) + int(fields[12])) / _TICK


def _children(pid: int) -> list[int]:
    children = Path(f"/proc/{pid}/task/{pid}/children")
    try:
        return [int(child) for child in children.read_text().split()]
    except OSError:
        return []


def _tree(pid: int) -> list[int]:
    pids, queue = [], [pid]
    while queue:
        current = queue.pop()
        pids.append(current)
        queue.extend(_children(current))
    return pids


def server_cpu(
    server_pid: int, database: str, *, others: dict[str, int] | None = None
) -> dict[tuple[str, int], float]:
    """CPU seconds so far of each server worker (the server process's children) and each PostgreSQL backend
    connected to ``database``, by (kind, pid); ``others`` adds a process and its descendants under a kind
    of its own (the sequencer beside the server)."""
    workers = _children(server_pid)
    import psycopg

    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    with psycopg.connect(url, autocommit=True) as connection:
        backends = [row[0] for row in connection.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()", [database]
        ).fetchall()]
    readings = {**{("worker", pid): cpu_seconds(pid) for pid in workers},
                **{("database", pid): cpu_seconds(pid) for pid in backends}}
    for kind, pid in (others or {}).items():
        readings.update({(kind, member): cpu_seconds(member) for member in _tree(pid)})
    return readings


def cpu_used(before: dict, after: dict, kind: str) -> float:
    """CPU used between the two readings by the processes of ``kind`` (a backend that connected in between
    counts from zero; one that closed in between is missed: connections live CONN_MAX_AGE, 60 s)."""
    return sum(max(0.0, seconds - before.get(key, 0.0)) for key, seconds in after.items() if key[0] == kind)
