"""Every tutorial notebook in notebooks/ executes top to bottom (nbclient, a python3 kernel on this interpreter),
and the ones whose tutorial documents an outcome print it.

Each notebook runs in its own temporary copy (with notebooks/mnist_data.py beside it), so the checkpoints and
MindIR files it writes stay out of the repository, and with ``$MSSHIM_MNIST_DIR`` unset so that it reads the
small synthetic MNIST and stays fast.  The expected lines come from the MindSpore documents the notebooks follow:
the save/load tutorial (seed 000) prints ``[]`` for the parameters left unloaded and ``(1, 10)`` for the
GraphCell output; the r1.6 inference/transfer guide (seed 003) loads a checkpoint into network and optimizer
with nothing left unloaded and evaluates; the quick start's loss falls over its epochs.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import sys
from typing import Callable

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

NOTEBOOKS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "notebooks")
ALL = sorted(f for f in os.listdir(NOTEBOOKS) if f.endswith(".ipynb"))
FIRST_CELL = "import msshim; msshim.install_as_mindspore()"


def _floats(pattern: str, text: str) -> list[float]:
    return [float(v) for v in re.findall(pattern, text, re.M)]


def _check_save_load(lines: list[str], text: str) -> None:
    assert "[]" in lines, text
    assert "(1, 10)" in lines, text
    assert lines.index("[]") < lines.index("(1, 10)")


def _check_transfer_learning(lines: list[str], text: str) -> None:
    assert "network not loaded: []" in lines, text
    assert "optimizer not loaded: []" in lines, text
    # two epochs of 19 steps were saved, so the restored optimizer resumes at step 38
    assert "global_step: [38]" in lines, text
    accuracy = _floats(r"^accuracy: ([0-9.]+)$", "\n".join(lines))
    resumed = _floats(r"^resumed accuracy: ([0-9.]+)$", "\n".join(lines))
    assert len(accuracy) == 1 and 0.0 <= accuracy[0] <= 1.0, text
    assert resumed == accuracy, text  # the reloaded network + optimizer evaluate like the loaded network
    assert "left at their initial values: ['fc2.weight', 'fc2.bias']" in lines, text
    assert _floats(r"^fine-tuned accuracy: ([0-9.]+)$", "\n".join(lines)), text


def _check_quick_start(lines: list[str], text: str) -> None:
    train = _floats(r"^mean train loss: ([0-9.]+)$", "\n".join(lines))
    test = _floats(r"Avg loss: ([0-9.]+)", text)
    assert len(train) == 3 and len(test) == 3, text
    assert train[0] > train[1] > train[2], train
    assert test[0] > test[1] > test[2], test
    assert lines.count("Done!") == 1 and "[]" in lines, text


# The beginner-tutorial notebooks below print what their tutorial shows; each expected line was confirmed by
# running the same notebook code under real MindSpore 2.10 (only the `import msshim` cell removed).


def _check_tensor(lines: list[str], text: str) -> None:
    for line in ("x_itemsize: 4", "x_nbytes: 16", "x_ndim: 2", "x_size: 4", "x_strides: (8, 4)",
                 "First column: [0. 2.]", "floordiv: [4. 2. 2.]", "concat shape: (4, 2)",
                 "stack shape: (2, 2, 2)", "[[6.0, 7.0], [26.0, 31.0]]"):
        assert line in lines, (line, text)
    # Tensor.from_numpy shares memory: the in-place NumPy add shows through the tensor
    assert any(line.startswith("t: [2. 2. 2. 2. 2.]") for line in lines), text


def _check_dataset(lines: list[str], text: str) -> None:
    for line in ("dataset size: 600", "columns: ['image', 'label']", "batched image: (32, 28, 28, 1) Float32",
                 "batched label: (32,) UInt32", "batches: 19", "[[0, 1, 4, 9], [16, 25, 36, 49], [64, 81]]"):
        assert line in lines, (line, text)
    # which image comes first after shuffle() is random; its dtype and shape are not
    assert any(line.startswith("after map: (28, 28, 1) Float32 max ") for line in lines), text
    iterable = [int(v) for v in re.findall(r"^\[Tensor\(shape=\[\], dtype=Int64, value= (\d+)\)\]$", text, re.M)]
    assert sorted(iterable[:3]) == [0, 1, 2] and iterable[3:] == [1, 2, 3, 4, 3, 4, 5], iterable


def _check_transforms(lines: list[str], text: str) -> None:
    for line in ("composed image: (1, 28, 28) Float32", "normalize matches formula: True",
                 "HWC: (48, 48, 1) -> CHW: (1, 48, 48)", "[Tensor(shape=[3], dtype=Int32, value= [1, 2, 0])]",
                 "[1 2 0]"):
        assert line in lines, (line, text)
    assert re.search(r"^label: \d Int32$", text, re.M), text
    doubled, squared = [[int(v) for v in re.findall(r"value= (\d+)", line)] for line in lines[-2:]]
    assert doubled == [2, 4, 6] and squared == [6, 18, 38], lines[-2:]


def _check_model(lines: list[str], text: str) -> None:
    for line in ("logits shape: (1, 10)", "(3, 28, 28)", "(3, 784)", "(3, 20)", "(3, 10)", "non-negative: True",
                 "Layer: dense_relu_sequential.0.weight", "Size: (512, 784)", "Layer: dense_relu_sequential.4.bias",
                 "trainable parameters: 6 total size: 669706"):
        assert line in lines, (line, text)


def _check_autograd(lines: list[str], text: str) -> None:
    for line in ("dloss/dw: (5, 3)", "dloss/db: (3,)", "db matches analytic: True", "same as stop_gradient: True",
                 "parameter gradients: [(5, 3), (3,)]", "network db matches: True"):
        assert line in lines, (line, text)
    full = [float(v) for v in re.search(r"^with z: \[(.*)\]$", text, re.M).group(1).split()]
    stopped = [float(v) for v in re.search(r"^z stopped: \[(.*)\]$", text, re.M).group(1).split()]
    # z's own gradient w.r.t. b is ones: through the unstopped output every entry is one more
    assert len(full) == 3 and all(abs(f - s - 1.0) < 1e-5 for f, s in zip(full, stopped)), (full, stopped)


def _check_train(lines: list[str], text: str) -> None:
    assert len(_floats(r"Avg loss: ([0-9.]+)", text)) == 3, text
    assert lines.count("Done!") == 1 and "train loss fell: True" in lines, text


def _check_static_graph(lines: list[str], text: str) -> None:
    assert lines.count("same as PyNative: True") == 1 and "(64, 10) same as PyNative: True" in lines, text
    for line in ("mode: 0 (GRAPH_MODE = 0 )", "6.0", "10.0", "[1 2 3]"):
        assert line in lines, (line, text)
    assert re.search(r"^loss: [0-9.]+ gradients: 6$", text, re.M), text


def _check_mixed_precision(lines: list[str], text: str) -> None:
    for line in ("input: Float32 -> output: Float16", "parameter dtype: Float32", "O0 output dtype: Float32",
                 "O1 output dtype: Float32", "O2 output dtype: Float32", "O3 output dtype: Float32",
                 "initial loss scale: 65536.0", "loss fell: True"):
        assert line in lines, (line, text)
    assert lines.index("True") < lines.index("False"), text  # all_finite of finite, then of inf
    monitored = _floats(r"^epoch: 1 step: \d+, loss is ([0-9.]+)$", text)
    assert len(monitored) == 2 and monitored[1] < monitored[0], text


CHECKS: dict[str, Callable[[list[str], str], None]] = {
    "seed_save_load.ipynb": _check_save_load,
    "seed_transfer_learning.ipynb": _check_transfer_learning,
    "quick_start.ipynb": _check_quick_start,
    "tensor.ipynb": _check_tensor,
    "dataset.ipynb": _check_dataset,
    "transforms.ipynb": _check_transforms,
    "model.ipynb": _check_model,
    "autograd.ipynb": _check_autograd,
    "train.ipynb": _check_train,
    "static_graph.ipynb": _check_static_graph,
    "mixed_precision.ipynb": _check_mixed_precision,
}


@pytest.fixture(scope="module")
def this_python_kernel(tmp_path_factory) -> str:
    """A ``python3`` kernelspec that starts this interpreter, first on JUPYTER_PATH: a user-level python3
    kernel pointing at another Python cannot take its place."""
    root = tmp_path_factory.mktemp("jupyter")
    spec_dir = root / "kernels" / "python3"
    spec_dir.mkdir(parents=True)
    spec = {"argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            "display_name": "Python 3 (msshim tests)", "language": "python"}
    (spec_dir / "kernel.json").write_text(json.dumps(spec))
    return str(root)


def _execute(nb, cwd: str, jupyter_path: str, monkeypatch) -> None:
    monkeypatch.setenv("JUPYTER_PATH", jupyter_path)
    monkeypatch.delenv("MSSHIM_MNIST_DIR", raising=False)
    client = nbclient.NotebookClient(nb, kernel_name="python3", timeout=300,
                                     resources={"metadata": {"path": cwd}})
    client.execute()


def _text_outputs(nb) -> str:
    parts = []
    for cell in nb.cells:
        for out in cell.get("outputs", []) if cell.cell_type == "code" else []:
            if out.get("output_type") == "stream" and out.get("name") == "stdout":
                parts.append(out["text"])
            elif out.get("output_type") in ("execute_result", "display_data"):
                parts.append(out.get("data", {}).get("text/plain", "") + "\n")
    return "".join(parts)


def test_kernel_runs_this_interpreter(tmp_path, this_python_kernel, monkeypatch):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("import sys\nprint(sys.executable)\nprint(sys.prefix)")]
    _execute(nb, str(tmp_path), this_python_kernel, monkeypatch)
    assert _text_outputs(nb).splitlines() == [sys.executable, sys.prefix]


@pytest.mark.parametrize("name", ALL)
def test_notebook_stored_clean(name):
    """Notebooks are stored without outputs and start with the one msshim-specific line."""
    nb = nbformat.read(os.path.join(NOTEBOOKS, name), as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code and code[0].source.strip() == FIRST_CELL
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in code)


@pytest.mark.parametrize("name", ALL)
def test_notebook_executes(name, tmp_path, this_python_kernel, monkeypatch):
    shutil.copy(os.path.join(NOTEBOOKS, name), tmp_path)
    shutil.copy(os.path.join(NOTEBOOKS, "mnist_data.py"), tmp_path)
    nb = nbformat.read(os.path.join(tmp_path, name), as_version=4)
    _execute(nb, str(tmp_path), this_python_kernel, monkeypatch)  # raises CellExecutionError on any error
    text = _text_outputs(nb)
    check = CHECKS.get(name)
    if check is not None:
        check([line.rstrip() for line in text.splitlines()], text)


def _mnist_data_module():
    import importlib.util
    spec = importlib.util.spec_from_file_location("mnist_data", os.path.join(NOTEBOOKS, "mnist_data.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_mnist_data_layout_and_env_var(tmp_path, monkeypatch):
    """The synthetic MNIST has the downloaded MNIST_Data layout and idx headers, MnistDataset reads it, and
    ``$MSSHIM_MNIST_DIR`` wins only when it holds the four files."""
    import numpy as np
    from mindspore.dataset import MnistDataset

    mnist_data = _mnist_data_module()
    synthetic = str(tmp_path / "synthetic")
    monkeypatch.setattr(mnist_data, "SYNTHETIC_DIR", synthetic)
    monkeypatch.setenv("MSSHIM_MNIST_DIR", str(tmp_path / "empty"))
    assert mnist_data.mnist_dir() == synthetic
    with open(os.path.join(synthetic, "train", "train-images-idx3-ubyte"), "rb") as f:
        assert f.read(16) == bytes.fromhex("00000803" "00000258" "0000001c" "0000001c")  # 2051, 600, 28, 28
    with open(os.path.join(synthetic, "test", "t10k-labels-idx1-ubyte"), "rb") as f:
        assert f.read(8) == bytes.fromhex("00000801" "00000064")  # 2049, 100
    train = list(MnistDataset(os.path.join(synthetic, "train"), shuffle=False).create_tuple_iterator(output_numpy=True))
    assert len(train) == 600 and train[0][0].shape == (28, 28, 1) and train[0][0].dtype == np.uint8
    assert sorted({int(label) for _, label in train}) == list(range(10))
    assert MnistDataset(os.path.join(synthetic, "test")).get_dataset_size() == 100
    monkeypatch.setenv("MSSHIM_MNIST_DIR", synthetic)
    monkeypatch.setattr(mnist_data, "SYNTHETIC_DIR", str(tmp_path / "unused"))
    assert mnist_data.mnist_dir() == synthetic and not os.path.exists(tmp_path / "unused")


@pytest.mark.parametrize("name", ALL)
def test_notebook_as_a_script_through_msshim_run(name, tmp_path):
    """How a MindSpore user runs the tutorial's code: the notebook's cells after the msshim line, saved as a plain
    script (``import mindspore`` and all) and started with ``python -m msshim run``; same printed checks."""
    import subprocess

    nb = nbformat.read(os.path.join(NOTEBOOKS, name), as_version=4)
    code = [c.source for c in nb.cells if c.cell_type == "code"][1:]
    # IPython display of a cell's last expression does not exist in a script: cells that end in a bare expression
    # print it, as the notebook shows it
    script = "\n\n".join(_print_last_expression(src) for src in code)
    (tmp_path / "tutorial.py").write_text(script)
    shutil.copy(os.path.join(NOTEBOOKS, "mnist_data.py"), tmp_path)
    env = {k: v for k, v in os.environ.items() if k != "MSSHIM_MNIST_DIR"}
    done = subprocess.run([sys.executable, "-m", "msshim", "run", "tutorial.py"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    check = CHECKS.get(name)
    if check is not None:
        check([line.rstrip() for line in done.stdout.splitlines()], done.stdout)


def _print_last_expression(source: str) -> str:
    import ast

    try:
        tree = ast.parse(source)
    except SyntaxError:  # IPython magics would not be plain Python: none of the notebooks uses them
        return source
    if tree.body and isinstance(tree.body[-1], ast.Expr) and not _is_call_to_print(tree.body[-1].value):
        last = tree.body[-1]
        lines = source.splitlines()
        head = "\n".join(lines[:last.lineno - 1])
        expr = "\n".join(lines[last.lineno - 1:last.end_lineno])
        return f"{head}\n_value = ({expr.strip()})\nif _value is not None:\n    print(repr(_value))\n"
    return source


def _is_call_to_print(node) -> bool:
    import ast

    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "print"
