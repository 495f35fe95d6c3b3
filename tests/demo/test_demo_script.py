"""``make demo PORT=…``: the port is checked before anything is migrated or served
(serving on it was checked by hand: ``make demo PORT=8123``)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("port", ["abc", "0", "70000", "80; rm -rf var"])
def test_a_port_that_is_not_a_number_is_refused_first(port: str) -> None:
    done = subprocess.run(
        [str(ROOT / "scripts/demo.sh")],
        env={**os.environ, "PORT": port},
        capture_output=True,
        text=True,
        check=False,
        timeout=30,
    )
    assert done.returncode == 2
    assert "PORT must be a TCP port number" in done.stderr
    assert done.stdout == ""  # nothing migrated, loaded or served
