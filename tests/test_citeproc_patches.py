"""Our changes to citeproc-py are installed by one explicit call, when citations are formatted: not on import.

Each check runs in a fresh interpreter, since a test that formatted citations
earlier in the same worker has installed them there already.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def run_python(code: str) -> str:
    run = subprocess.run([sys.executable, '-c', code], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    return run.stdout.strip()


def test_loading_a_book_imports_neither_the_formatter_nor_a_markdown_plugin() -> None:
    loaded = run_python(
        'import sys\n'
        'from pathlib import Path\n'
        'from builder.diagnostics import Diagnostics\n'
        'from builder.load import load\n'
        'book = load(Path("."), Diagnostics())\n'
        'assert book.references and book.style and book.terms and book.events\n'
        'print(sorted(m for m in sys.modules if m.startswith(("builder.markdown", "builder.citations.format",\n'
        '                                                    "builder.citations.citeproc_"))))\n')
    assert loaded == '[]'


def test_the_patches_are_installed_by_the_call_once() -> None:
    state = run_python(
        'from citeproc import model\n'
        'import builder.pipeline\n'
        'from builder.citations.format import install_citeproc_patches\n'
        'before = model.Name.initialize.__module__\n'
        'install_citeproc_patches()\n'
        'install_citeproc_patches()\n'
        'wrapped = model.Parent.calls_variable.__closure__[0].cell_contents\n'
        'print(before, model.Name.initialize.__module__, wrapped.__module__)\n')
    # Wrapped once: what the memory calls is citeproc-py's own method, not a second memory.
    assert state == 'citeproc.model builder.citations.citeproc_fixes citeproc.model'
