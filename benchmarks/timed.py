"""Run a command and print, as one JSON line, its wall time and the peak RSS of its largest process.

``RUSAGE_CHILDREN``'s ``ru_maxrss`` is the largest resident set of any waited-for
descendant (a worker pool's processes included, once their parent reaps them):
the "largest process" figure, not a sum over processes.

    python benchmarks/timed.py CMD ARGS...
"""

import json
import os
import resource
import subprocess
import sys
import time

start = time.perf_counter()
load_before = os.getloadavg()[0]
result = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
wall = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({
    'wall': wall, 'cpu': usage.ru_utime + usage.ru_stime, 'peak_mib': usage.ru_maxrss / 1024,
    'rc': result.returncode, 'stderr': result.stderr[-2000:], 'load': [load_before, os.getloadavg()[0]],
}))
