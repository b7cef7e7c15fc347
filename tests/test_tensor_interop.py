"""Tensor <-> torch / numpy interop: zero-copy where promised, MindSpore results where MindSpore defines them."""
from __future__ import annotations

import copy
import pickle

import numpy as np
import pytest
import torch

import mindspore as ms
from mindspore import Tensor
from mindspore.common import dtype as mstype


def test_from_numpy_shares_memory():
    arr = np.arange(6, dtype=np.float32).reshape(2, 3)
    t = Tensor.from_numpy(arr)
    arr[0, 0] = 42.0
    assert t.asnumpy()[0, 0] == 42.0


def test_constructor_copies_numpy():
    arr = np.arange(3, dtype=np.float64)
    t = Tensor(arr)
    arr[0] = 7
    assert t.asnumpy()[0] == 0 and t.dtype == mstype.float64


def test_torch_round_trip_is_zero_copy():
    base = torch.zeros(4)
    t = Tensor(base)
    base[1] = 3.0
    assert t.asnumpy()[1] == 3.0
    assert t.to_torch() is base
    assert Tensor.from_torch(base).to_torch().data_ptr() == base.data_ptr()
    assert torch.from_dlpack(t).data_ptr() == base.data_ptr()


def test_torch_functions_accept_msshim_tensors():
    t = Tensor(np.array([-1.0, 2.0], np.float32))
    out = torch.relu(t)
    assert isinstance(out, torch.Tensor) and out.tolist() == [0.0, 2.0]
    assert torch.nn.functional.linear(t, torch.eye(2)).tolist() == [-1.0, 2.0]
    assert (torch.ones(2) + t).tolist() == [0.0, 3.0]


def test_numpy_operands_on_either_side_give_tensors():
    t = Tensor(np.array([1.0, 2.0], np.float32))
    for out in (np.ones(2, np.float32) + t, t + np.ones(2, np.float32), 2 * t, t * 2):
        assert isinstance(out, Tensor)
    assert (np.ones(2, np.float32) - t).asnumpy().tolist() == [0.0, -1.0]
    assert np.asarray(t).tolist() == [1.0, 2.0]


def test_bfloat16_is_exact():
    values = np.array([1.0, 1.00390625, -3.140625, 65280.0], np.float32)
    t = Tensor(values, mstype.bfloat16)
    assert t.dtype == mstype.bfloat16 and t.itemsize == 2
    bits = t.to_torch().view(torch.int16).numpy()
    assert np.array_equal(bits, torch.tensor(values).to(torch.bfloat16).view(torch.int16).numpy())
    assert str(t.asnumpy().dtype) == "bfloat16"
    assert np.array_equal(Tensor(t.asnumpy()).to_torch().view(torch.int16).numpy(), bits)


def test_dtype_objects_compare_with_torch_and_pickle():
    assert mstype.float32 == torch.float32 and mstype.float32 != torch.float16
    assert pickle.loads(pickle.dumps(mstype.uint8)) is mstype.uint8
    assert str(mstype.uint8) == "UInt8" and repr(mstype.int64) == "mindspore.int64"
    assert ms.float32 is mstype.float32 and ms.dtype is mstype


def test_pickle_and_deepcopy_tensor():
    t = Tensor(np.arange(4, dtype=np.int32))
    for copied in (pickle.loads(pickle.dumps(t)), copy.deepcopy(t)):
        assert isinstance(copied, Tensor) and copied.asnumpy().tolist() == [0, 1, 2, 3]
        assert copied.to_torch().data_ptr() != t.to_torch().data_ptr()


def test_setitem_and_getitem_with_tensor_index():
    t = Tensor(np.zeros((3, 2), np.float32))
    t[Tensor(np.array([0, 2]))] = 1.0
    assert t.asnumpy().sum() == 4.0
    assert t[1].shape == (2,) and t[:, 1].shape == (3,)
    mask = t > 0.5
    assert t[mask].shape == (4,)


def test_strides_and_sizes_are_numpy_style():
    t = Tensor(np.zeros((2, 3), np.float32))
    assert t.strides == (12, 4) and t.nbytes == 24 and t.itemsize == 4 and t.size == 6 and t.ndim == 2
    assert t.transpose(1, 0).strides == (4, 12)


def test_shape_mismatch_is_value_error():
    with pytest.raises(ValueError, match=r"\(2, 3\).*\(4, 3\)"):
        Tensor(np.ones((2, 3))) + Tensor(np.ones((4, 3)))


def test_unknown_attribute_is_attribute_error():
    with pytest.raises(AttributeError):
        Tensor([1]).no_such_method_anywhere
