"""Where the CPU of a load run goes: CPU seconds (user + system, from /proc) of the load client, the gunicorn
processes, the `flask worker`, this database's PostgreSQL backends, the other PostgreSQL processes,
Redis and the whole machine, between two snapshots (Linux only; elsewhere the figures are empty).

A process's figure includes its children that have exited (cutime/cstime: a gunicorn worker recycled by
`max_requests`, an RQ work-horse); the live children of gunicorn and of the worker are read as well. PostgreSQL
backends are recognised by their process title ("postgres: ... <user> <database> ..."): a backend that exits
between the snapshots is not counted. Redis and PostgreSQL's background processes serve everyone on the machine.
"""

from __future__ import annotations

import os

_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _stat(pid: int) -> tuple[int, int, float, float] | None:
    """(pid, ppid, own CPU seconds, CPU seconds of exited children) of a process, None if it is gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            raw = f.read().decode("latin-1")
    except OSError:
        return None
    fields = raw[raw.rindex(")") + 2 :].split()  # after "pid (comm) "
    ppid = int(fields[1])
    utime, stime, cutime, cstime = (int(x) for x in fields[11:15])
    return pid, ppid, (utime + stime) / _TICK, (cutime + cstime) / _TICK


def _cmdline(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode("latin-1")
    except OSError:
        return ""


def _all() -> dict[int, tuple[int, int, float, float]]:
    found = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            stat = _stat(int(name))
            if stat:
                found[stat[0]] = stat
    return found


def machine_busy() -> float:
    """CPU seconds all cores spent not idle since boot (/proc/stat)."""
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return (sum(fields[:8]) - idle) / _TICK


def snapshot(groups: dict[str, list[int]], database: str = "", alone: tuple[str, ...] = ()) -> dict:
    """CPU seconds so far of each named group of processes (each pid with its live descendants and exited
    children; a group named in `alone` counts its pids' own CPU only, e.g. the load client, whose children are
    the servers), plus `postgres_backends` (this database's), `postgres_others` (other databases' backends and
    PostgreSQL's own processes), `redis` and `machine` (all cores)."""
    if not os.path.isdir("/proc"):
        return {}
    procs = _all()
    children: dict[int, list[int]] = {}
    for pid, ppid, _own, _dead in procs.values():
        children.setdefault(ppid, []).append(pid)
    result: dict[str, float] = {}
    for name, roots in groups.items():
        total, todo, seen = 0.0, list(roots), set()
        while todo:
            pid = todo.pop()
            if pid in seen or pid not in procs:
                continue
            seen.add(pid)
            if name in alone:
                total += procs[pid][2]
                continue
            total += procs[pid][2] + procs[pid][3]
            todo.extend(children.get(pid, []))
        result[name] = total
    # processes that come and go (other databases' backends): per pid, so that only those alive at both
    # snapshots are counted
    for key in ("postgres_backends", "postgres_others", "redis"):
        result[key] = {}
    for pid, _ppid, own, _dead in procs.values():
        line = _cmdline(pid)
        if line.startswith("postgres:"):
            words = line.split()
            result["postgres_backends" if database and database in words else "postgres_others"][pid] = own
        elif line.startswith("redis-server"):
            result["redis"][pid] = own
    result["machine"] = machine_busy()
    return result


def _delta(before, after) -> float:
    if isinstance(after, dict):
        return sum(after[pid] - before[pid] for pid in after.keys() & before.keys())
    return after - before


def split(before: dict, after: dict, seconds: float) -> dict:
    """Cores used by each group between two snapshots (CPU seconds / wall seconds), and each group's share of
    what the machine used."""
    if not before or not after or seconds <= 0:
        return {}
    cores = {k: round(_delta(before[k], after[k]) / seconds, 3) for k in after if k in before}
    busy = cores.get("machine") or 0.0
    named = sum(v for k, v in cores.items() if k != "machine")
    cores["other"] = round(max(0.0, busy - named), 3)
    share = {k: round(v / busy, 3) for k, v in cores.items() if k != "machine" and busy}
    return {"cores": cores, "share_of_machine": share, "cpu_count": os.cpu_count()}
