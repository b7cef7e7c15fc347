"""msshim.dataset behaviour that MindSpore cannot pin to values: shuffling under a seed (deterministic in msshim,
but MindSpore's order is not reproducible, so only the row multiset is compared with MindSpore's), the batched
fast path being taken, worker failures, the 1.x import paths, and iterator Tensors feeding a network."""
from __future__ import annotations

import os
import sys

import pytest

import msshim
import mindspore as ms
import mindspore.dataset as ds
import mindspore.dataset.vision as vision
from mindspore import nn

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures", "dataset")
if FIXTURES not in sys.path:
    sys.path.insert(0, FIXTURES)

import pipelines  # noqa: E402

VALUES = pipelines.recorded_cases()["values"]


def _order(dataset, **kw):
    return [int(r[0]) for r in dataset.create_tuple_iterator(output_numpy=True, **kw)]


@pytest.fixture(autouse=True)
def _restore_seed():
    yield
    ds.config._STATE["seed"] = None
    ds.config._STATE["global_seed_at_set"] = None
    msshim.common.seed._SEED["seed"] = None


def test_shuffled_source_is_deterministic_under_dataset_seed():
    ds.config.set_seed(7)
    first = _order(ds.NumpySlicesDataset(list(range(9))), num_epochs=1)
    second = _order(ds.NumpySlicesDataset(list(range(9))), num_epochs=1)
    assert first == second
    assert sorted(first) == VALUES["shuffled_source_multiset"]["value"]
    assert first != list(range(9))
    ds.config.set_seed(8)
    assert _order(ds.NumpySlicesDataset(list(range(9))), num_epochs=1) != first
    assert ds.config.get_seed() == 8


def test_global_set_seed_fixes_the_pipeline():
    ms.set_seed(3)
    first = _order(pipelines.PIPELINES["slices_list"]().shuffle(4), num_epochs=1)
    ms.set_seed(3)
    assert _order(pipelines.PIPELINES["slices_list"]().shuffle(4), num_epochs=1) == first
    assert ds.config.get_seed() == 3


def test_each_epoch_reshuffles():
    ds.config.set_seed(1)
    it = ds.NumpySlicesDataset(list(range(30))).create_tuple_iterator(num_epochs=2, output_numpy=True)
    epochs = [[int(r[0]) for r in it] for _ in range(2)]
    assert sorted(epochs[0]) == sorted(epochs[1]) == list(range(30))
    assert epochs[0] != epochs[1]


def test_shuffle_buffer_keeps_rows():
    ds.config.set_seed(2)
    rows = _order(pipelines.PIPELINES["repeat_3"]().shuffle(2), num_epochs=1)
    assert sorted(rows) == sorted([0, 1, 2] * 3)


def test_random_split_is_disjoint_and_reproducible():
    ds.config.set_seed(4)
    parts = ds.NumpySlicesDataset(list(range(10)), shuffle=False).split([0.3, 0.7])
    a, b = (_order(p, num_epochs=1) for p in parts)
    assert sorted(a + b) == list(range(10)) and len(a) == 3
    assert _order(parts[0], num_epochs=1) == a  # the same rows every epoch


def test_random_transform_follows_seed():
    img = pipelines._img(4, 6)
    flips = []
    for _ in range(2):
        ds.config.set_seed(11)
        op = vision.RandomHorizontalFlip(0.5)
        flips.append([bool((op(img) != img).any()) for _ in range(16)])
    assert flips[0] == flips[1] and any(flips[0]) and not all(flips[0])


def test_batched_fast_path_is_taken():
    batch = pipelines.PIPELINES["mnist_tutorial"]()
    ctx = ds.engine.datasets._Context()
    assert batch.children[0]._blocks(ctx, 4) is not None
    row_path = pipelines._mnist_tutorial(row_path=True)
    assert row_path.children[0]._blocks(ctx, 4) is None


def test_worker_failure_is_mindspore_runtime_error():
    class Bad(pipelines.RandomAccess):
        def __getitem__(self, index):
            if index == 3:
                raise ValueError("bad row")
            return super().__getitem__(index)

    for processes in (True, False):
        dataset = ds.GeneratorDataset(Bad(), ["d", "l"], shuffle=False, num_parallel_workers=2,
                                      python_multiprocessing=processes)
        with pytest.raises(RuntimeError, match="bad row"):
            list(dataset.create_tuple_iterator(output_numpy=True))


def test_one_x_import_paths():
    import mindspore.dataset.transforms.c_transforms as c_transforms
    import mindspore.dataset.vision.c_transforms as c_vision
    import mindspore.dataset.vision.py_transforms as py_vision
    assert c_vision.Resize is vision.Resize and py_vision.HWC2CHW is vision.HWC2CHW
    assert c_transforms.TypeCast is ds.transforms.TypeCast


def test_iterator_tensors_feed_a_network():
    dataset = pipelines.PIPELINES["mnist_tutorial"]()
    net = nn.SequentialCell(nn.Flatten(), nn.Dense(784, 10))
    for image, label in dataset.create_tuple_iterator(num_epochs=1):
        assert isinstance(image, ms.Tensor) and image.dtype == ms.float32 and label.dtype == ms.int32
        assert net(image).shape == (image.shape[0], 10)
    row = next(dataset.create_dict_iterator(num_epochs=1, do_copy=True))
    assert set(row) == {"image", "label"} and isinstance(row["label"], ms.Tensor)


@pytest.mark.cuda
def test_iterator_tensors_follow_the_gpu_context():
    ms.set_context(device_target="GPU")
    try:
        image, label = next(pipelines.PIPELINES["mnist_tutorial"]().create_tuple_iterator(num_epochs=1))
        assert image._t.is_cuda and label._t.is_cuda
    finally:
        ms.set_context(device_target="CPU")
