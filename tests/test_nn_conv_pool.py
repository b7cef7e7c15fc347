"""Convolution and pooling layers against real MindSpore 2.10 numbers.

Fixtures: tests/fixtures/conv_pool/ (regenerate with
``/work/venv-ms/bin/python tests/fixtures/conv_pool/make_conv_pool.py``).  Each case evaluates the same
constructor source under msshim, checks parameter names/shapes/dtypes/requires_grad and the repr, loads
the parameter values and input MindSpore used (redrawn from the case's seed), and compares outputs
(rtol 1e-5).  Error cases compare exception type and
first message line.
"""
from __future__ import annotations

import builtins
import json
import math
import os
import re
import zlib

import numpy as np
import pytest
import torch

import msshim as ms
from msshim import Tensor, nn

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures", "conv_pool")
with open(os.path.join(HERE, "cases.json")) as _f:
    CASES = json.load(_f)
with open(os.path.join(HERE, "errors.json")) as _f:
    ERRORS = json.load(_f)
ARRAYS = np.load(os.path.join(HERE, "cases.npz"))
ADDR = re.compile(r"<[\w.]+\.(\w+) object at 0x[0-9a-fA-F]+>")
NS = {"nn": nn, "ms": ms, "Tensor": Tensor, "np": np}

# Error cases where msshim raises the same exception type with its own message, because MindSpore's text is
# a backend artefact (oneDNN failure, Python unpacking of a shape, C++ kernel-selection banner).
TYPE_ONLY = {
    "conv2dt_cin": "MindSpore reports a oneDNN primitive-descriptor failure",
    "conv1dt_cin": "MindSpore reports a oneDNN primitive-descriptor failure",
    "maxpool2d_int": "MindSpore's message is a kernel-selection banner",
    "avgpool2d_int": "MindSpore's message is a kernel-selection banner",
    "amax2d_int": "MindSpore lists every CPU kernel signature",
}


def _build(ctor: str):
    return eval(ctor, dict(NS))  # noqa: S307 - fixture sources are literals from make_conv_pool.py


def _close(actual: np.ndarray, expected: np.ndarray) -> None:
    assert actual.shape == expected.shape
    if expected.dtype.kind in "iu":
        np.testing.assert_array_equal(actual, expected)
        return
    scale = max(1.0, float(np.abs(expected).max()) if expected.size else 1.0)
    np.testing.assert_allclose(actual, expected, rtol=1e-5, atol=1e-5 * scale)


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_layer_matches_mindspore(case):
    cid = case["id"]
    cell = _build(case["ctor"])
    assert ADDR.sub(r"<\1>", repr(cell)) == case["repr"]
    params = [{"name": n, "param_name": p.name, "shape": list(p.shape), "dtype": str(p.dtype),
               "requires_grad": bool(p.requires_grad)} for n, p in cell.parameters_and_names()]
    assert params == case["params"]
    # the generator's draws, in the same order (RandomState's stream does not change across numpy versions)
    rs = np.random.RandomState(zlib.crc32(cid.encode()))
    for _, p in cell.parameters_and_names():
        if p.dtype == ms.float32:
            p.set_data(Tensor((rs.standard_normal(p.shape) * 0.5).astype(np.float32)))
    if case["shape"] is None:
        return
    x = Tensor(rs.standard_normal(case["shape"]).astype(case["dtype"]))
    if "error" in case:
        with pytest.raises(Exception) as info:
            cell(x)
        assert type(info.value).__name__ == case["error"][0]
        return
    out = cell(x)
    outs = list(out) if case["tuple"] else [out]
    assert isinstance(out, tuple) == case["tuple"]
    assert len(outs) == len(case["outputs"])
    for i, (o, meta) in enumerate(zip(outs, case["outputs"])):
        assert isinstance(o, Tensor)
        assert list(o.shape) == meta["shape"]
        assert str(o.dtype) == meta["dtype"]
        _close(o.asnumpy(), ARRAYS[f"{cid}.y{i}"])


def _first_line(e: BaseException) -> str:
    lines = [ln.strip() for ln in str(e).splitlines()]
    lines = [ln for ln in lines if ln and set(ln) != {"-"}]
    return lines[0] if lines else ""


@pytest.mark.parametrize("case", ERRORS, ids=[e["id"] for e in ERRORS])
def test_error_matches_mindspore(case):
    assert case["error"] is not None, "the oracle raised nothing: not an error case"

    def run():
        cell = _build(case["ctor"])
        if case["shape"] is not None:
            cell(Tensor(np.ones(case["shape"], case["dtype"])))

    with pytest.raises(Exception) as info:
        run()
    kind, message = case["error"]
    # MindSpore's RuntimeErrors come as a RuntimeError subclass (so Cell does not re-report them)
    assert isinstance(info.value, getattr(builtins, kind)), (type(info.value), _first_line(info.value))
    assert type(info.value).__name__ == kind or kind == "RuntimeError"
    if case["id"] not in TYPE_ONLY:
        assert _first_line(info.value) == message


# ---------------------------------------------------------------------------------------------- msshim-only checks


@pytest.mark.parametrize("ctor, fan_in", [
    ("nn.Conv2d(3, 8, 3, has_bias=True)", 27),
    ("nn.Conv1d(4, 6, 5, has_bias=True, group=2)", 10),
    ("nn.Conv3d(2, 4, (1, 2, 3), has_bias=True)", 12),
    ("nn.Conv2dTranspose(3, 8, 3, has_bias=True)", 72),  # weight (in, out, kh, kw): fan_in = out * kh * kw
    ("nn.Conv1dTranspose(3, 8, 3, has_bias=True)", 24),
    ("nn.Conv3dTranspose(2, 4, 2, has_bias=True)", 32),
])
def test_default_initializers(ctor, fan_in):
    """HeUniform(sqrt(5)) weight and Uniform(1/sqrt(fan_in)) bias both have bound 1/sqrt(fan_in)."""
    ms.set_seed(1)
    cell = _build(ctor)
    bound = 1 / math.sqrt(fan_in)
    w = cell.weight.asnumpy()
    b = cell.bias.asnumpy()
    assert np.abs(w).max() <= bound + 1e-7 and np.abs(w).max() > 0.5 * bound
    assert np.abs(b).max() <= bound + 1e-7 and b.std() > 0
    assert "HeUniform" in repr(cell) and "Uniform" in repr(cell)


def test_no_bias_by_default_and_named_parameters():
    net = nn.SequentialCell([nn.Conv2d(1, 2, 3), nn.Conv1d(2, 2, 3)])
    assert [p.name for p in net.get_parameters()] == ["0.weight", "1.weight"]
    assert net[0].bias is None and net[0].has_bias is False
    assert list(dict(net.named_parameters())) == ["0.weight", "1.weight"]


def test_initializer_strings_and_dtype():
    cell = nn.Conv2dTranspose(2, 4, 3, has_bias=True, weight_init="ones", bias_init="zeros", dtype=ms.float16)
    assert cell.weight.dtype == ms.float16 and cell.bias.dtype == ms.float16
    assert float(cell.weight.asnumpy().min()) == 1.0 and float(np.abs(cell.bias.asnumpy()).max()) == 0.0


def test_mixed_precision_input_casts_parameters():
    """A float16 input (``to_float``) runs the float32 parameters in float16, like Dense."""
    cell = nn.Conv2d(3, 4, 3, has_bias=True)
    x = np.random.RandomState(0).standard_normal((1, 3, 6, 6)).astype(np.float32)
    y32 = cell(Tensor(x)).asnumpy()
    y16 = cell(Tensor(x.astype(np.float16)))
    assert y16.dtype == ms.float16
    np.testing.assert_allclose(y16.asnumpy().astype(np.float32), y32, rtol=1e-2, atol=1e-2)


def test_gradients_flow_through_padding_and_cropping():
    """'same' with stride 2 (F.pad) and a cropped transposed conv both stay differentiable."""
    conv = nn.Conv2d(2, 3, 4, stride=2, has_bias=True)
    deconv = nn.Conv2dTranspose(3, 2, 3, stride=2, pad_mode="pad", padding=(0, 1, 1, 0), output_padding=1)
    pool = nn.AvgPool2d(3, 2, "same")
    x = torch.randn(1, 2, 7, 7, requires_grad=True)
    y = pool(deconv(conv(x)))  # torch tensors in: torch autograd rules
    y.sum().backward()
    assert x.grad is not None and conv.weight._t.grad is not None and deconv.weight._t.grad is not None


def test_repr_of_padding_forms():
    assert "padding=(0, 0, 2, 2)" in repr(nn.Conv1d(1, 1, 3, pad_mode="pad", padding=2))
    assert "pad_mode=SAME" in repr(nn.MaxPool2d(2, 2, "same"))
    assert repr(nn.AdaptiveAvgPool2d(3)) == "AdaptiveAvgPool2d()"


def test_pad_mode_same_stride_2_is_asymmetric():
    """MindSpore puts the odd padding at the end: a 2x2 'same' conv with stride 2 on a 5-wide input sees
    the first column at output 0 and a zero column after the last one."""
    conv = nn.Conv2d(1, 1, (1, 2), stride=(1, 2), weight_init="ones")
    x = Tensor(np.arange(1, 6, dtype=np.float32).reshape(1, 1, 1, 5))
    np.testing.assert_array_equal(conv(x).asnumpy().ravel(), [3.0, 7.0, 5.0])
