"""Corrupted MindIR files: loading and running them either works or raises RuntimeError, as MindSpore's loader
does ("Load MindIR failed." / GraphCell cannot run it); no protobuf, onnxruntime or Python error leaks out.

Mutations are deterministic (RandomState(0)): truncations at random offsets and one to three flipped bytes, on
MindSpore-written files.  A flipped byte inside a name makes protobuf's Python runtime return ``bytes`` for that
string field; inside an attribute it can leave a node with arguments of the wrong kind: both were found this way.
"""
from __future__ import annotations

import numpy as np
import pytest

import mindspore as ms
from mindspore import Tensor, nn

from conftest import FIXTURES

MS = FIXTURES / "mindir" / "ms"


def _mutations(data: bytes, count: int, seed: int):
    rs = np.random.RandomState(seed)
    for trial in range(count):
        if trial % 3 == 0:
            yield data[: rs.randint(0, len(data))]
        else:
            b = bytearray(data)
            for _ in range(rs.randint(1, 4)):
                b[rs.randint(0, len(b))] = rs.randint(0, 256)
            yield bytes(b)


@pytest.mark.parametrize("case", ["embed_ln", "basic_block"])
def test_corrupted_files_load_or_raise_runtime_error(tmp_path, case):
    data = (MS / f"{case}.mindir").read_bytes()
    inputs = [Tensor(v) for k, v in sorted(np.load(MS / f"{case}.npz").items()) if k.startswith("x")]
    path = tmp_path / "corrupt.mindir"
    outcomes = {"ran": 0, "RuntimeError": 0}
    for mutated in _mutations(data, 300, seed=0):
        path.write_bytes(mutated)
        try:
            nn.GraphCell(ms.load(str(path)))(*inputs)
            outcomes["ran"] += 1
        except RuntimeError:
            outcomes["RuntimeError"] += 1
    assert outcomes["RuntimeError"] > 100 and outcomes["ran"] > 10  # both paths were exercised


@pytest.mark.parametrize("direction", ["onnx_to_mindir", "mindir_to_onnx"])
def test_corrupted_files_convert_or_fail_cleanly(tmp_path, capsys, direction):
    """``msshim convert`` on corrupted inputs: converts, or exits 1 with one error line (no traceback)."""
    from msshim.cli import main

    if direction == "onnx_to_mindir":
        source, src, dst = FIXTURES / "mindir" / "onnx" / "basic_block.onnx", "in.onnx", "out.mindir"
    else:
        source, src, dst = MS / "basic_block.mindir", "in.mindir", "out.onnx"
    outcomes = {0: 0, 1: 0}
    for mutated in _mutations(source.read_bytes(), 150, seed=7):
        (tmp_path / src).write_bytes(mutated)
        code = main(["convert", str(tmp_path / src), str(tmp_path / dst), "--no-progress"])
        outcomes[code] += 1
        err = capsys.readouterr().err
        assert code == 0 or ("error:" in err and "Traceback" not in err)
    assert outcomes[1] > 50 and outcomes[0] > 10
