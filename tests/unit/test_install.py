"""The project's install step (the ``coursepack`` script): on a machine without what PyICU builds against,
it installs it with apt-get as root, else names the packages and stops before pip runs."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_without_icu_the_script_names_what_to_install(tmp_path):
    # A checkout with no .venv yet, and a PATH with what the script runs before pip but neither pkg-config,
    # ICU, a C++ compiler nor apt-get: the machine of a user who is not root is no different.
    checkout = tmp_path / 'checkout'
    checkout.mkdir()
    shutil.copy(REPO / 'coursepack', checkout / 'coursepack')
    shutil.copy(REPO / 'pyproject.toml', checkout / 'pyproject.toml')
    tools = tmp_path / 'bin'
    tools.mkdir()
    for name in ('bash', 'dirname', 'sha256sum', 'cut', 'id'):
        os.symlink(shutil.which(name), tools / name)
    result = subprocess.run([str(tools / 'bash'), str(checkout / 'coursepack'), 'build'], capture_output=True,
                            text=True, env={'PATH': str(tools)}, timeout=60)
    assert result.returncode == 1
    assert 'missing: pkg-config libicu-dev g++' in result.stderr
    assert 'sudo apt-get install pkg-config libicu-dev g++' in result.stderr
    assert not (checkout / '.venv').exists()  # stopped before making the environment
