"""The bootstrap's package check (``missing_packages`` in ``./dev``) gives the same answer every time.

It used to pipe ``ldconfig -p`` into ``grep -q`` under ``set -o pipefail``: grep
exits at its first match, ldconfig dies of SIGPIPE, the pipeline fails, and an
installed library was reported missing (5 runs in 200 here), which stopped a
fresh ``./dev test`` with "still missing after apt-get". The script is sourced
(it defines its functions and runs nothing when sourced) and the check is run
as the bootstrap runs it.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _bash(script: str, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(
        ["bash", "-c", f"source {ROOT / 'dev'}; {script}"],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_the_package_check_gives_one_answer_in_200_runs():
    answers = _bash('for _ in $(seq 200); do echo "[$(missing_packages)]"; done').splitlines()
    assert len(answers) == 200
    assert set(answers) == {answers[0]}, {answer: answers.count(answer) for answer in set(answers)}
    # The suite runs after the bootstrap installed everything: nothing is missing.
    assert answers[0] == "[]"


@pytest.mark.parametrize("first", ["libgeos_c.so.1", "libproj.so.25"])
def test_a_library_listed_early_in_a_long_loader_cache_is_found(tmp_path, first):
    """The failure made certain: the match comes first and megabytes follow, so an early-exiting reader
    kills the writer every time."""
    fake = tmp_path / "ldconfig"
    fake.write_text(
        "#!/bin/sh\n"
        f'echo "\t{first} (libc6,x86-64) => /usr/lib/{first}"\n'
        'echo "\tlibgeos_c.so.1 (libc6,x86-64) => /usr/lib/libgeos_c.so.1"\n'
        'echo "\tlibproj.so.25 (libc6,x86-64) => /usr/lib/libproj.so.25"\n'
        "yes '\tlibfiller.so.0 (libc6,x86-64) => /usr/lib/libfiller.so.0' | head -n 5000\n"
    )
    fake.chmod(0o755)
    answers = _bash(
        'for _ in $(seq 5); do echo "[$(missing_packages)]"; done', env={"PATH": f"{tmp_path}:{os.environ['PATH']}"}
    ).splitlines()
    assert answers == ["[]"] * 5
