"""msshim parameter / cell naming vs real MindSpore 2.10 (tests/fixtures/data/naming.json).

The cells are built by tests/fixtures/nets.py:naming_builders() (MindSpore API only), exactly as the
generator built them under real MindSpore.
"""
import json
import os
import sys

import pytest

msshim = pytest.importorskip("msshim")
msshim.install_as_mindspore()

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "fixtures")
if FIXTURES not in sys.path:
    sys.path.insert(0, FIXTURES)

import nets  # noqa: E402
from parity_helpers import exception_matches  # noqa: E402

with open(os.path.join(FIXTURES, "data", "naming.json")) as _f:
    NAMING = json.load(_f)

BUILDERS = nets.naming_builders()
FIELDS = ["params", "parameters_dict", "cells_and_names", "cell_types", "counts", "trainable_names",
          "get_parameters"]


def record(cell, field):
    if field == "params":
        return [[n, p.name, bool(p.requires_grad)] for n, p in cell.parameters_and_names()]
    if field == "parameters_dict":
        return list(cell.parameters_dict())
    if field == "cells_and_names":
        return [n for n, _ in cell.cells_and_names()]
    if field == "cell_types":
        return [type(c).__name__ for _, c in cell.cells_and_names()]
    if field == "counts":
        return {"trainable_params": len(cell.trainable_params()),
                "untrainable_params": len(cell.untrainable_params())}
    if field == "trainable_names":
        return [p.name for p in cell.trainable_params()]
    if field == "get_parameters":
        return [p.name for p in cell.get_parameters()]
    raise KeyError(field)


def expected(ref, field):
    if field == "counts":
        return {"trainable_params": ref["trainable_params"], "untrainable_params": ref["untrainable_params"]}
    return ref[field]


def test_builders_match_fixture():
    assert list(BUILDERS) == list(NAMING)


@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize("name", list(NAMING))
def test_naming(name, field):
    ref = NAMING[name]
    if "error" in ref:
        with pytest.raises(Exception) as info:
            BUILDERS[name]()
        assert exception_matches(info.value, ref["error"].split(":")[1].strip())
        return
    cell = BUILDERS[name]()
    assert record(cell, field) == expected(ref, field)
