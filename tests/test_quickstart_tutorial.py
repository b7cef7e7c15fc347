"""MindSpore's beginner quickstart tutorial (MnistDataset pipeline, Network, value_and_grad + SGD loop, test
loop) runs on msshim as written and reproduces real MindSpore 2.10's losses, test accuracy and final weights
(tests/fixtures/quickstart/quickstart.json, made by make_quickstart.py)."""
import json
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
QUICKSTART = os.path.join(HERE, "fixtures", "quickstart")
sys.path.insert(0, QUICKSTART)

from quickstart import run  # noqa: E402

with open(os.path.join(QUICKSTART, "quickstart.json")) as _f:
    REF = json.load(_f)


def test_quickstart_matches_mindspore(capsys):
    ours = run(deterministic=True)
    assert np.allclose(ours["losses"], REF["losses"], rtol=1e-4)
    assert np.allclose(ours["tests"], REF["tests"], rtol=1e-4)
    for name, ref in REF["final_bias"].items():
        assert np.allclose(ours["final_bias"][name], ref, rtol=1e-4, atol=1e-6)
    printed = capsys.readouterr().out
    assert printed.count("Test: \n Accuracy: 20.0%") == 3 and printed.rstrip().endswith("Done!")


def test_quickstart_with_the_tutorials_default_shuffle_trains():
    ours = run(deterministic=False, epochs=2)
    assert len(ours["losses"]) == 6 and all(np.isfinite(ours["losses"]))
