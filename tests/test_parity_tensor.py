"""msshim Tensor / dtype semantics vs real MindSpore 2.10 (tests/fixtures/data/tensor.json).

Each entry is a snippet (statements; the last line an expression) run in a fresh namespace after the
recorded setup code. Compared: kind of result (Tensor / Parameter / tuple / list / ndarray / python value /
dtype), dtype strings, shapes, values (floats within 1e-5 * max(1, |ref|max); about one ulp for half types),
and for Tensors repr() and str() exactly. Entries where MindSpore raised: msshim must raise the same exception
type. Entries that failed only because the MindSpore CPU wheel lacks a kernel are skipped.
"""
import json
import os
import sys

import numpy as np
import pytest

msshim = pytest.importorskip("msshim")
msshim.install_as_mindspore()

import mindspore as ms  # noqa: E402
from mindspore import nn, ops, Tensor, Parameter  # noqa: E402
import mindspore.common.dtype as mstype  # noqa: E402
from mindspore.common.initializer import One, Zero, Constant, Normal, Uniform  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "fixtures")
if FIXTURES not in sys.path:
    sys.path.insert(0, FIXTURES)

from parity_helpers import check_entry, fixture_params  # noqa: E402

with open(os.path.join(FIXTURES, "data", "tensor.json")) as _f:
    FIXTURE = json.load(_f)

# Entries we do not hold msshim to. Add {code: reason} only for a MindSpore behaviour that is clearly not worth
# reproducing, and say why.
_NUMPY_IN = ("msshim deliberately accepts numpy arrays as operands (tests/test_tensor_interop.py); "
             "MindSpore raises TypeError")
_NUMPY_OUT = ("msshim deliberately makes numpy <op> Tensor a Tensor (tests/test_tensor_interop.py); "
              "MindSpore returns an ndarray")
XFAIL = {
    "tf.sqrt()": "NaN sign bit: MindSpore's CPU Sqrt makes negative NaNs (printed '-nan'), torch positive ones; "
                 "msshim prints every NaN as 'nan' (as MindSpore prints 0/0)",
    "tf.exp()": "values agree within tolerance; the printed 8th digit differs because MindSpore's CPU Exp is an "
                "approximation",
    "tf + np.ones((2, 3), np.float32)": _NUMPY_IN,
    "ti + np.array([1.5, 2, 3])": _NUMPY_IN,
    "tf + np.array([1, 2, 3])": _NUMPY_IN,
    "tf + np.array([1.0, 2.0, 3.0])": _NUMPY_IN,
    "ti + np.array([1, 2, 3], np.int8)": _NUMPY_IN,
    "tf > np.zeros(3)": _NUMPY_IN,
    "np.ones((2, 3), np.float32) + tf": _NUMPY_OUT,
    "np.float32(1.5) * tf": _NUMPY_OUT,
    "mstype.dtype_to_nptype(mstype.bool_)": "numpy 2 reprs np.bool_ as <class 'numpy.bool'>; msshim returns the "
                                            "np.bool_ type MindSpore returns",
    "str(mstype.dtype_to_nptype(mstype.bfloat16))": "MindSpore ships its own module-less numpy bfloat16 type; "
                                                    "msshim uses ml_dtypes.bfloat16 (same values, other name)",
}


def namespace():
    ns = {"Tensor": Tensor, "Parameter": Parameter, "ms": ms, "mstype": mstype, "np": np, "ops": ops, "nn": nn,
          "One": One, "Zero": Zero, "Constant": Constant, "Normal": Normal, "Uniform": Uniform}
    assert sorted(ns) == sorted(FIXTURE["namespace"])
    exec(FIXTURE["setup"], ns)
    return ns


@pytest.mark.parametrize("entry", fixture_params(FIXTURE["entries"], XFAIL))
def test_tensor(entry):
    check_entry(entry, namespace(), True, Tensor, Parameter, mstype)
