"""The worker pools' temporary files: each worker's in a folder of its own, removed as it ends, and the pool's
folder removed with the pool (WeasyPrint leaves a copy of the book's fonts there for every document)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from builder.workers import process_pool

pytestmark = pytest.mark.build  # its workers come from the fork server, which lays a page out as it starts


def test_a_worker_removes_its_temporary_folder_as_it_ends_and_the_pool_its_own():
    with process_pool(1, max_tasks_per_child=2) as pool:
        scratch = Path(pool.scratch)
        first = Path(pool.submit(tempfile.mkdtemp).result())  # in the worker's own folder, left there
        assert first.is_dir() and first.parent.parent == scratch  # the worker has a task to go
        pool.submit(abs, 0).result()  # its last task: it ends
        # The next task runs in a worker started once the first has ended.
        third = Path(pool.submit(tempfile.mkdtemp).result())
        assert third.parent.parent == scratch and third.parent != first.parent
        assert not first.parent.exists()  # the first worker's folder went with it
    assert not scratch.exists()
