"""Regenerate tests/compiler/golden/*.json after reviewing a change of the compiler's output."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

if __name__ == "__main__":
    root = Path(__file__).resolve().parents[2]
    env = dict(os.environ, PYAWSSFN_UPDATE_GOLDEN="1")
    sys.exit(subprocess.call([sys.executable, "-m", "pytest", "-q", "tests/compiler/test_golden.py"], cwd=root,
                             env=env))
