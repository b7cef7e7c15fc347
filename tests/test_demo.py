"""``msshim demo`` (README Quickstart's first command) passes on this machine and reports every step."""
from __future__ import annotations

import subprocess
import sys


def test_demo_passes():
    done = subprocess.run([sys.executable, "-m", "msshim", "demo"], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert lines[-1] == "demo passed"
    steps = [line.split("|")[1].strip() for line in lines if line.startswith("| ") and "---" not in line]
    for expected in ("save_checkpoint(net, 'model.ckpt')", "export(LeNet5, x, file_format='MINDIR')",
                     "nn.GraphCell(load('lenet5.mindir'))(x), batch 1",
                     "Model.train 3 epochs (Momentum) + ModelCheckpoint",
                     "msshim convert ckpt -> .pt; torch model (strict)"):
        assert expected in steps
