"""`make demo` is the README's first command: it must run to its end on every change."""
import subprocess
import sys
from pathlib import Path

DEMO = Path(__file__).resolve().parent / "demo.py"


def test_the_demo_runs_to_its_end():
    r = subprocess.run([sys.executable, str(DEMO)], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    assert "That was vcs." in r.stdout and ": OK" in r.stdout
    assert "Traceback" not in r.stdout + r.stderr
