"""`import mindspore` resolves to msshim; `msshim run` / `python -m msshim run` run scripts unchanged;
set_context/get_context/jit behave as MindSpore's."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest
import torch

import msshim
import mindspore as ms

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_mindspore_names_are_msshim_modules():
    import mindspore.common.dtype as mstype
    import mindspore.nn
    from mindspore import Tensor, nn, ops
    from mindspore.common.initializer import Normal
    from mindspore.train import Model

    assert ms is msshim and mindspore.nn is msshim.nn and nn.Dense is msshim.nn.Dense
    assert ops is msshim.ops and Tensor is msshim.Tensor and mstype is msshim.common.dtype
    assert Normal is msshim.common.initializer.Normal and Model is msshim.train.Model
    assert str(mstype.float32) == "Float32"


def test_missing_submodule_is_module_not_found():
    with pytest.raises(ModuleNotFoundError):
        import mindspore.no_such_module  # noqa: F401


SCRIPT = textwrap.dedent("""
    import sys
    import numpy as np
    import mindspore
    from mindspore import nn, Tensor
    net = nn.SequentialCell(nn.Flatten(), nn.Dense(4, 3))
    out = net(Tensor(np.ones((2, 2, 2), np.float32)))
    print("ARGS", sys.argv[1:], "SHAPE", out.shape, "DTYPE", out.dtype, "NAME", __name__)
""")


@pytest.mark.parametrize("command", [[sys.executable, "-m", "msshim", "run"],
                                     [sys.executable, "-c", "import sys; from msshim.cli import main; "
                                                            "sys.exit(main())", "run"]])
def test_run_executes_a_mindspore_script_unchanged(tmp_path, command):
    script = tmp_path / "train.py"
    script.write_text(SCRIPT)
    env = dict(os.environ, PYTHONPATH=REPO + os.pathsep + os.environ.get("PYTHONPATH", ""))
    done = subprocess.run(command + [str(script), "--epochs", "2"], capture_output=True, text=True, env=env,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert "ARGS ['--epochs', '2'] SHAPE (2, 3) DTYPE Float32 NAME __main__" in done.stdout


def test_run_missing_script_fails_cleanly(tmp_path):
    env = dict(os.environ, PYTHONPATH=REPO + os.pathsep + os.environ.get("PYTHONPATH", ""))
    done = subprocess.run([sys.executable, "-m", "msshim", "run", str(tmp_path / "nope.py")], capture_output=True,
                          text=True, env=env, timeout=60)
    assert done.returncode == 2 and "no such script" in done.stderr


def test_set_context_known_and_unknown_keys():
    ms.set_context(mode=ms.GRAPH_MODE, jit_syntax_level=ms.STRICT)
    try:
        assert ms.get_context("mode") == ms.GRAPH_MODE and ms.get_context("jit_syntax_level") == ms.STRICT
        assert ms.get_context("device_target") == "CPU"
    finally:
        ms.set_context(mode=ms.PYNATIVE_MODE, jit_syntax_level=ms.LAX)
    with pytest.raises(ValueError, match="the keyword argument foo is not recognized"):
        ms.set_context(foo=1)
    with pytest.raises(ValueError):
        ms.get_context("foo")
    with pytest.raises(ValueError):
        ms.set_context(mode=5)


def test_ascend_is_refused_clearly():
    with pytest.raises(RuntimeError, match="Ascend"):
        ms.set_context(device_target="Ascend")
    assert ms.get_context("device_target") == "CPU"


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has CUDA")
def test_gpu_without_cuda_is_refused_clearly():
    with pytest.raises(RuntimeError, match="GPU"):
        ms.set_device("GPU")


def test_graph_mode_gives_identical_results():
    from mindspore import Tensor, nn

    net = nn.SequentialCell(nn.Dense(3, 4), nn.ReLU())
    x = Tensor(np.random.RandomState(1).rand(2, 3).astype(np.float32))
    eager = net(x).asnumpy()
    ms.set_context(mode=ms.GRAPH_MODE)
    try:
        assert np.array_equal(net(x).asnumpy(), eager)
    finally:
        ms.set_context(mode=ms.PYNATIVE_MODE)


def test_jit_function_and_construct_decorators():
    from mindspore import Tensor, nn, ops

    @ms.jit
    def f(a, b):
        return ops.add(a, b) * 2 if hasattr(ops, "add") else (a + b) * 2

    assert f(Tensor([1.0]), Tensor([2.0])).asnumpy().tolist() == [6.0]

    class Net(nn.Cell):
        def __init__(self):
            super().__init__()
            self.dense = nn.Dense(2, 2)

        @ms.jit
        def construct(self, x):
            return self.dense(x)

    assert Net()(Tensor(np.ones((1, 2), np.float32))).shape == (1, 2)


def test_jit_with_torch_compile_backend_matches_eager():
    from mindspore import Tensor

    def f(a, b):
        return (a * b + 1).sum()

    compiled = ms.jit(f, backend="eager")
    a, b = Tensor(np.arange(4, dtype=np.float32)), Tensor(np.ones(4, np.float32))
    assert float(compiled(a, b).asnumpy()) == float(f(a, b).asnumpy()) == 10.0


def test_set_seed_makes_initialisation_repeatable():
    from mindspore import nn

    ms.set_seed(7)
    a = nn.Dense(5, 3).weight.asnumpy().copy()
    ms.set_seed(7)
    b = nn.Dense(5, 3).weight.asnumpy()
    assert np.array_equal(a, b)
    bound = np.sqrt(3.0) * np.sqrt(2.0 / (1 + 5.0)) / np.sqrt(5)  # HeUniform(sqrt(5)) with fan_in 5
    assert np.abs(a).max() <= bound
    with pytest.raises(ValueError):
        ms.set_seed(-1)


def test_checkpoint_format_layer_imports_without_torch(samples):
    """Tools can use msshim.train.ckpt_format where torch is missing: the package __init__ files load lazily."""
    code = ("import sys; sys.modules['torch'] = None\n"
            "import msshim.train.ckpt_format as fmt\n"
            f"print(fmt.read_checkpoint({str(samples / 'small.ckpt')!r})[0][1].tolist())\n")
    env = dict(os.environ, PYTHONPATH=REPO + os.pathsep + os.environ.get("PYTHONPATH", ""))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[0.0, 1.0, 2.0]"


def test_lazy_top_level_names():
    assert "Tensor" in dir(ms) and "save_checkpoint" in dir(ms)
    assert ms.nn is msshim.nn and ms.dtype is msshim.common.dtype and str(ms.bool) == "Bool"
    with pytest.raises(AttributeError):
        ms.no_such_name
