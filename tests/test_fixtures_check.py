"""The fixtures check themselves: ``test_vectors/check_fixtures.py`` (standard library only,
independent of mbo_vc) recomputes every fixture's keys, DIDs and hashes; it must pass, so that a
new fixture that does not fit its dispatcher cannot break it unnoticed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_check_fixtures_passes() -> None:
    run = subprocess.run(
        [sys.executable, str(ROOT / "test_vectors" / "check_fixtures.py")],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    total = [line for line in run.stdout.splitlines() if line.startswith("TOTAL:")]
    assert total and " 0 failed" in total[0], total
