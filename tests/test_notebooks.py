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


CHECKS: dict[str, Callable[[list[str], str], None]] = {
    "seed_save_load.ipynb": _check_save_load,
    "seed_transfer_learning.ipynb": _check_transfer_learning,
    "quick_start.ipynb": _check_quick_start,
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
