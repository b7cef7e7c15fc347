"""Seed 000, "Saving and Loading the Model" (MindSpore 2.x beginner tutorial), run unchanged on msshim.

The script below follows the seed's code blocks in order (checkpoint save/load, then MindIR export, load and
GraphCell inference) and is started with ``python -m msshim run``, exactly as a user runs a MindSpore script.
The expected printed lines are the ones the seed documents for MindSpore: ``[]`` (no parameter left unloaded)
and ``(1, 10)`` (the GraphCell output shape).  That real MindSpore 2.10 loads msshim's MindIR of this network
and gets msshim's numbers is tests/test_mindir_export.py's job (case tutorial_mlp).
"""
from __future__ import annotations

import subprocess
import sys
import textwrap

SEED_SCRIPT = textwrap.dedent('''
    import numpy as np
    import mindspore
    from mindspore import nn
    from mindspore import Tensor

    def network():
        model = nn.SequentialCell(
                    nn.Flatten(),
                    nn.Dense(28*28, 512),
                    nn.ReLU(),
                    nn.Dense(512, 512),
                    nn.ReLU(),
                    nn.Dense(512, 10))
        return model

    model = network()
    mindspore.save_checkpoint(model, "model.ckpt")

    model = network()
    param_dict = mindspore.load_checkpoint("model.ckpt")
    param_not_load, _ = mindspore.load_param_into_net(model, param_dict)
    print(param_not_load)

    model = network()
    inputs = Tensor(np.ones([1, 1, 28, 28]).astype(np.float32))
    mindspore.export(model, inputs, file_name="model", file_format="MINDIR")

    mindspore.set_context(mode=mindspore.GRAPH_MODE)

    graph = mindspore.load("model.mindir")
    model = nn.GraphCell(graph)
    outputs = model(inputs)
    print(outputs.shape)
''')


def test_seed_000_runs_unchanged(tmp_path):
    script = tmp_path / "save_load.py"
    script.write_text(SEED_SCRIPT)
    done = subprocess.run([sys.executable, "-m", "msshim", "run", str(script)], cwd=tmp_path,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["[]", "(1, 10)"]
    assert (tmp_path / "model.ckpt").is_file() and (tmp_path / "model.mindir").is_file()


def test_seed_000_graph_cell_matches_the_network(tmp_path, monkeypatch):
    """The GraphCell of the exported file computes what the network computes (same weights, other input)."""
    import numpy as np
    import mindspore
    from mindspore import Tensor, nn

    monkeypatch.chdir(tmp_path)
    model = nn.SequentialCell(nn.Flatten(), nn.Dense(28 * 28, 512), nn.ReLU(), nn.Dense(512, 512), nn.ReLU(),
                              nn.Dense(512, 10))
    x = Tensor(np.random.RandomState(0).uniform(-1, 1, (1, 1, 28, 28)).astype(np.float32))
    mindspore.export(model, x, file_name="model", file_format="MINDIR")
    graph_cell = nn.GraphCell(mindspore.load("model.mindir"))
    np.testing.assert_allclose(graph_cell(x).asnumpy(), model(x).asnumpy(), rtol=1e-5, atol=1e-6)
    assert sorted(name for name, _ in graph_cell.parameters_and_names()) == sorted(
        name for name, _ in model.parameters_and_names())
