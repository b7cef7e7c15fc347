"""nn.GraphCell on MindIR written by msshim itself — mindspore.export of the fixture nets and the ONNX -> MindIR
converter — against the outputs real MindSpore 2.10 computed from those same files (fixtures/mindir/msshim/*.npz
and fixtures/mindir/from_onnx/*.npz, recorded by make_mindir.py verify / make_onnx_to_mindir.py).  These files
use the forms msshim's writers emit: no ``shape`` attributes, no Load/UpdateState plumbing, PRIMITIVE_FUNCTION
AvgPool, ConstantPadND, Cast with TypeId constants."""
from __future__ import annotations


import numpy as np
import onnx
import pytest

import mindspore as ms
from mindspore import Tensor, nn

from conftest import FIXTURES, load_fixture_script

MINDIR = FIXTURES / "mindir"


MAKE = load_fixture_script("mindir/make_mindir.py", "msshim")
GEN = load_fixture_script("mindir/make_onnx_to_mindir.py")


def _check(out, recorded, rtol=1e-5):
    outs = out if isinstance(out, tuple) else (out,)
    wants = [recorded[f"g{i}"] for i in range(sum(k.startswith("g") for k in recorded.files))]
    assert len(outs) == len(wants)
    for got, want in zip(outs, wants):
        got = got.asnumpy()
        assert got.shape == want.shape and got.dtype == want.dtype
        np.testing.assert_allclose(got, want, rtol=rtol, atol=rtol * 0.1 * float(np.max(np.abs(want))))


def _recorded(directory: str, cases) -> list[str]:
    """Cases real MindSpore has run (a case being added has no recording yet)."""
    return [c for c in cases if (MINDIR / directory / f"{c}.npz").exists()]


@pytest.mark.parametrize("case", _recorded("msshim", list(MAKE.CASES) + list(MAKE.EXTRA_CASES)))
def test_msshim_export_runs_like_mindspore_ran_it(case, tmp_path):
    net, inputs = MAKE.build(case)
    ms.export(net, *[Tensor(x) for x in inputs], file_name=str(tmp_path / case), file_format="MINDIR")
    cell = nn.GraphCell(ms.load(str(tmp_path / f"{case}.mindir")))
    _check(cell(*[Tensor(x) for x in inputs]), np.load(MINDIR / "msshim" / f"{case}.npz"))


# ops_elementwise: MindSpore's and onnxruntime's Erf/Pow kernels differ by ~1.2e-5 (onnxruntime on the original
# ONNX model differs from MindSpore by the same amount).
_RTOL = {"ops_elementwise": 3e-5}


@pytest.mark.parametrize("case", _recorded("from_onnx", [c for c in GEN.CASES if c != "ops_cast"]))
def test_onnx_converted_mindir_runs_like_mindspore_ran_it(case, tmp_path):
    from msshim.train._mindir.from_onnx import from_onnx

    path = tmp_path / f"{case}.mindir"
    path.write_bytes(from_onnx(onnx.load(GEN.onnx_path(case))).SerializeToString())
    cell = nn.GraphCell(ms.load(str(path)))
    _check(cell(*[Tensor(x) for x in GEN.case_inputs(case)]), np.load(MINDIR / "from_onnx" / f"{case}.npz"),
           _RTOL.get(case, 1e-5))


def test_casts_run_like_mindspore(tmp_path):
    """int32 and bool casts are exact; MindSpore rounds the float16 intermediate of output 1 where onnxruntime's
    CPU provider (no float16 Mul kernel) computes it in float32: within half a float16 ulp."""
    from msshim.train._mindir.from_onnx import from_onnx

    path = tmp_path / "ops_cast.mindir"
    path.write_bytes(from_onnx(onnx.load(GEN.onnx_path("ops_cast"))).SerializeToString())
    out = nn.GraphCell(ms.load(str(path)))(*[Tensor(x) for x in GEN.case_inputs("ops_cast")])
    recorded = np.load(MINDIR / "from_onnx" / "ops_cast.npz")
    np.testing.assert_array_equal(out[0].asnumpy(), recorded["g0"])
    np.testing.assert_allclose(out[1].asnumpy(), recorded["g1"], rtol=2 ** -11)
    np.testing.assert_array_equal(out[2].asnumpy(), recorded["g2"])
