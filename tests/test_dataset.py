"""msshim.dataset against real MindSpore 2.10 (tests/fixtures/dataset: cases.json + arrays.npz, recorded by
make_dataset.py from the pipelines in pipelines.py, which run here unchanged under msshim).

Pipelines: column names, dataset size, batch size, output shapes and types, every row's values and dtypes
(output_numpy) and the type of each value from the Tensor iterator.  Eager transforms: values and dtypes
(bit-identical, except uint8 LINEAR/CUBIC Resize which may be one level off on a few pixels, and float CUBIC).  Errors: the exception type and
MindSpore's message (exact for argument checks, the pipeline's [ERROR] line for runtime failures).
"""
from __future__ import annotations

import json
import os
import re
import sys

import numpy as np
import pytest

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures", "dataset")
if FIXTURES not in sys.path:
    sys.path.insert(0, FIXTURES)

import pipelines  # noqa: E402

CASES = pipelines.recorded_cases()
ARRAYS = pipelines.recorded_arrays()

# Transforms whose uint8 output may differ from MindSpore's by one level on a few pixels (msshim emulates
# cv::resize's fixed-point arithmetic; MindSpore's OpenCV build rounds a few up-scaled pixels one level lower).
ONE_LEVEL = {"resize_cubic_u8", "resize_up", "resize_down", "resize_up_mnist", "resize_down_odd", "resize_2d",
             "resize_int_short_h", "resize_int_short_w", "resize_int_odd", "resize_bilinear", "resize_up2x",
             "resize_4d", "mnist_resize_crop"}


# Float results msshim computes in a different order than OpenCV (absolute tolerance); all other float results
# (Rescale, Normalize, ToTensor, float Resize ...) are bit-identical to MindSpore's.
FLOAT_TOLERANCE = {"resize_cubic": 1e-6}


def _assert_array(actual, expected, name, one_level=False, atol=None):
    actual = np.asarray(actual)
    assert actual.dtype == expected.dtype, f"{name}: dtype {actual.dtype} != {expected.dtype}"
    assert actual.shape == expected.shape, f"{name}: shape {actual.shape} != {expected.shape}"
    if atol is not None:
        np.testing.assert_allclose(actual, expected, rtol=0, atol=atol, err_msg=name)
    elif one_level and expected.dtype == np.uint8:
        diff = np.abs(actual.astype(np.int32) - expected.astype(np.int32))
        assert diff.max(initial=0) <= 1, f"{name}: max difference {diff.max()} levels"
    else:
        np.testing.assert_array_equal(actual, expected, err_msg=name)


@pytest.mark.parametrize("name", sorted(CASES["pipelines"]))
def test_pipeline(name):
    expected = CASES["pipelines"][name]
    make = pipelines.PIPELINES[name]
    assert make().get_col_names() == expected["col_names"]
    assert make().get_dataset_size() == expected["dataset_size"]
    assert make().get_batch_size() == expected["batch_size"]
    assert make().output_shapes() == expected["output_shapes"]
    assert [str(t) for t in make().output_types()] == expected["output_types"]
    first = next(iter(make().create_tuple_iterator(num_epochs=1)), [])
    types = [[type(v).__name__ if not isinstance(v, np.ndarray) else "ndarray",
              str(v.dtype) if isinstance(v, np.ndarray) or hasattr(v, "_t") else ""] for v in first]
    assert types == expected["tensor_types"]
    rows = list(make().create_tuple_iterator(num_epochs=1, output_numpy=True))
    assert len(rows) == expected["num_rows"]
    for i, row in enumerate(rows):
        assert len(row) == len(expected["col_names"])
        for j, value in enumerate(row):
            _assert_array(value, ARRAYS[f"pipelines/{name}/{i}/{j}"], f"{name}[{i}][{j}]", name in ONE_LEVEL)


@pytest.mark.parametrize("name", sorted(CASES["eager"]))
def test_eager(name):
    expected = CASES["eager"][name]
    out = pipelines.EAGER[name]()
    outs = list(out) if isinstance(out, (tuple, list)) else [out]
    assert isinstance(out, (tuple, list)) == expected["tuple"]
    assert len(outs) == expected["n"]
    for j, value in enumerate(outs):
        assert isinstance(value, np.ndarray), f"{name}: eager result is {type(value)}"
        _assert_array(value, ARRAYS[f"eager/{name}/{j}"], f"{name}[{j}]", name in ONE_LEVEL,
                      FLOAT_TOLERANCE.get(name))


@pytest.fixture
def fresh_config():
    """The dataset configuration as a new process has it (other tests set seeds)."""
    from msshim.common import seed
    from msshim.dataset.core import config
    saved = dict(config._STATE), dict(seed._SEED)
    config._STATE.update(seed=None, global_seed_at_set=None, num_parallel_workers=None, prefetch_size=16)
    seed._SEED["seed"] = None
    yield
    config._STATE.update(saved[0])
    seed._SEED.update(saved[1])


@pytest.mark.parametrize("name", sorted(CASES["values"]))
def test_value(name, fresh_config):
    expected = CASES["values"][name]["value"]
    if name == "config_workers_default" and expected[1] != os.cpu_count():
        pytest.skip(f"recorded on a {expected[1]}-CPU machine (the default depends on the CPU count)")
    assert json.loads(json.dumps(pipelines.VALUES[name]())) == expected


def _key_message(message: str) -> str:
    """The part of MindSpore's message msshim reproduces: the pipeline's [ERROR] line, the Python error of a
    failing user function, or the whole message of an argument check."""
    match = re.search(r"\[ERROR\] (.*)", message)
    if match and match.group(1).strip():
        return match.group(1).strip()
    if "Invalid Python function" in message:
        return message[message.index("Invalid Python function"):].split("\n")[0]
    if message.startswith("Exception thrown from user defined Python function"):
        return "Exception thrown from user defined Python function in dataset."
    return message


# Messages that name MindSpore's own classes or memory addresses: only the type and the start are compared.
_PREFIX_ONLY = {"compose_not_list": "Argument transforms list with value",
                "typecast_bad": "Argument data_type with value 3 is not of type",
                "lookup_bad_vocab": "Argument vocab is not an instance of text.Vocab. with value {'a': 1} is not of",
                "zip_not_dataset": "Argument datasets with value [1, 2] is not of type [<class 'tuple'>, <class",
                "map_nested_cell": None}
# Pipeline errors where MindSpore's detail depends on its internals (which duplicate column it meets first):
# the [ERROR] line's start is compared.
_PARTIAL = {"zip_same_column": "Invalid data, duplicate column",
            "gen_workers_zero": "num_parallel_workers exceeds the boundary between 1 and"}  # (and the CPU count)


@pytest.mark.parametrize("name", sorted(CASES["errors"]))
def test_error(name):
    expected = CASES["errors"][name]
    with pytest.raises(Exception) as info:
        pipelines.ERRORS[name]()
    assert type(info.value).__name__ == expected["type"], f"{name}: {info.value!r}"
    if name in _PREFIX_ONLY:
        if _PREFIX_ONLY[name] is not None:
            assert str(info.value).startswith(_PREFIX_ONLY[name])
        return
    if name in _PARTIAL:
        assert _PARTIAL[name] in _key_message(expected["message"]) and _PARTIAL[name] in str(info.value)
        return
    # paths inside messages were recorded in the generator's checkout: compare against this checkout's
    key = re.sub(r"\S*/tests/fixtures/dataset", lambda _: FIXTURES, _key_message(expected["message"]))
    assert key in str(info.value), f"{name}: expected {key!r} in {str(info.value)!r}"
