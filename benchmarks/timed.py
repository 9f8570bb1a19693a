"""Run a command and print, as one JSON line, its wall time and the peak RSS of its largest process.

The CPU time is the sum over the command's process tree of each process's
user and system time as last seen (so it can miss the last 100 ms of a
process), split as well by process (``cpu_by_process``: the command's own,
the Pandoc processes it starts, the others). The peak is the largest resident
set of any single process of the command's
tree (``main_peak_mib``: of the command's own process): the command and every descendant, polled from ``/proc`` every 100 ms,
and ``RUSAGE_CHILDREN``'s ``ru_maxrss`` for the descendants it reaped (a
process shorter than the polling interval). Polling is needed because
workers started by a fork server are not the command's children.

    python benchmarks/timed.py CMD ARGS...
"""

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def descendants(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for stat in Path('/proc').glob('[0-9]*/stat'):
        try:
            fields = stat.read_text().rsplit(')', 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, ()))
    return found


def name_and_cpu(pid: int) -> tuple[str, float]:
    """The process's name and the CPU seconds it has spent (user and system)."""
    try:
        text = Path(f'/proc/{pid}/stat').read_text()
    except OSError:
        return '', 0.0
    name, fields = text[text.find('(') + 1:text.rfind(')')], text.rsplit(')', 1)[1].split()
    return name, (int(fields[11]) + int(fields[12])) / os.sysconf('SC_CLK_TCK')


def rss_kib(pid: int) -> int:
    try:
        for line in Path(f'/proc/{pid}/status').read_text().splitlines():
            if line.startswith('VmRSS:'):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


class Tree:
    """A process and its descendants, sampled: the CPU seconds of each as last seen (from ``before``, seconds
    already spent by each), the largest resident set of any (``peak``) and of the process itself (``peak_main``),
    in KiB."""

    def __init__(self, pid: int, before: dict[int, float] | None = None) -> None:
        self.pid = pid
        self.before = before or {}
        self.cpu = dict(self.before)
        self.names: dict[int, str] = {}
        self.peak = self.peak_main = 0

    def sample(self) -> None:
        for pid in descendants(self.pid):
            rss = rss_kib(pid)
            self.peak = max(self.peak, rss)
            if pid == self.pid:
                self.peak_main = max(self.peak_main, rss)
            name, seconds = name_and_cpu(pid)
            if name:  # the name as last seen: a process started with Popen is a copy of its parent until it execs
                self.names[pid] = name
            self.cpu[pid] = max(self.cpu.get(pid, 0.0), seconds)

    def cpu_seconds(self) -> float:
        return sum(seconds - self.before.get(pid, 0.0) for pid, seconds in self.cpu.items())

    def cpu_by_process(self) -> dict[str, float]:
        """The CPU seconds of the command's own process, of the Pandoc processes it started (the builder's citation
        run), and of every other process of its tree (the builder's workers and their server; Pandoc's WeasyPrint)."""
        split = {'command': 0.0, 'pandoc': 0.0, 'others': 0.0}
        for pid, seconds in self.cpu.items():
            role = 'command' if pid == self.pid else 'pandoc' if self.names.get(pid) == 'pandoc' else 'others'
            split[role] += seconds - self.before.get(pid, 0.0)
        return split


def main() -> None:
    start = time.perf_counter()
    load_before = os.getloadavg()[0]
    # stderr to a file, not a pipe: nobody reads a pipe while polling, and a full pipe would stop the command.
    errors = tempfile.TemporaryFile('w+')
    process = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=errors, text=True)
    tree = Tree(process.pid)  # the largest process, and the command's own process (the builder)
    while process.poll() is None:
        tree.sample()
        try:  # woken as the command ends, not at the next 0.1 s: a command of 0.1 s read 0.10 or 0.21 s
            process.wait(timeout=0.1)
        except subprocess.TimeoutExpired:
            pass
    errors.seek(0)
    stderr = errors.read()
    wall = time.perf_counter() - start
    peak = max(tree.peak, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    print(json.dumps({'wall': wall, 'cpu': tree.cpu_seconds(), 'cpu_by_process': tree.cpu_by_process(),
                      'peak_mib': peak / 1024,
                      'main_peak_mib': tree.peak_main / 1024, 'rc': process.returncode, 'stderr': stderr[-2000:],
                      'load': [load_before, os.getloadavg()[0]]}))


if __name__ == '__main__':
    main()
