"""``mindspore.nn.Embedding`` (MindSpore 2.10).

MindSpore behaviour kept here (checked against MindSpore 2.10 on CPU):

* ``Embedding(vocab_size, embedding_size, use_one_hot=False, embedding_table='normal', dtype=mstype.float32,
  padding_idx=None)``: one parameter ``embedding_table`` of shape ``(vocab_size, embedding_size)``, float32
  from ``Normal(0.01)`` by default (a Tensor initializer keeps its own dtype).  ``dtype`` does not change the
  table: it is the dtype of the one-hot on/off values, so with ``use_one_hot=True`` it must equal the
  table's dtype (MatMul's TypeError otherwise).
* ``padding_idx`` only zeroes that row at construction (a Tensor initializer is copied, not modified); its
  gradient is not masked.
* Lookup (``use_one_hot=False``, a Gather): ids in ``[-vocab_size, vocab_size)`` are valid, negative ones
  counting from the end; others raise Gather's out-of-range error.  One-hot lookup (a MatMul with the one-hot
  ids) turns any id outside ``[0, vocab_size)`` into a zero row.
* ids may have any shape (a scalar included); the output shape is ``ids.shape + (embedding_size,)``.  msshim
  accepts ids of every integer dtype (MindSpore's CPU kernels take int16/int32/int64, or int32/int64 for
  one-hot).
"""
from __future__ import annotations

import torch
import torch.nn.functional as F

from msshim.common import dtype as mstype
from msshim.common.initializer import initializer
from msshim.common.parameter import Parameter
from msshim.common.tensor import Tensor, wrap
from msshim.nn.cell import Cell
from msshim.nn.layer._conv_padding import MSRuntimeError

__all__ = ["Embedding"]

_INDEX_DTYPES = (torch.int32, torch.int64)
_NUMBER_TYPES_TEXT = ("Int8, Int16, Int32, Int64, UInt8, UInt16, UInt32, UInt64, Float16, Float32, Float64, "
                      "BFloat16, Complex64, Complex128, Int4, Float8E4M3FN, Float8E5M2, HiFloat8")


def _check_value_type(value, arg_name: str, kind: type, cls_name: str):
    if (isinstance(value, bool) and kind is not bool) or not isinstance(value, kind):
        raise TypeError(f"For '{cls_name}', the type of '{arg_name}' should be '{kind.__name__}', but got type "
                        f"'{type(value).__name__}'.")
    return value


class Embedding(Cell):
    """A lookup table ``embedding_table (vocab_size, embedding_size)`` indexed by integer ids."""

    _builtin_layer = True

    def __init__(self, vocab_size, embedding_size, use_one_hot=False, embedding_table="normal",
                 dtype=mstype.float32, padding_idx=None):
        super().__init__()
        cls_name = self.cls_name
        self.vocab_size = _check_value_type(vocab_size, "vocab_size", int, cls_name)
        self.embedding_size = _check_value_type(embedding_size, "embedding_size", int, cls_name)
        _check_value_type(use_one_hot, "use_one_hot", bool, cls_name)
        if not isinstance(dtype, mstype.Type) or dtype not in mstype.number_type:
            raise TypeError(f"For '{cls_name}', the element of 'dtype' must be one of {_NUMBER_TYPES_TEXT}, but got "
                            f"{dtype}.The supported data types depend on the hardware that executes the operator, "
                            f"for more details, please refer to the MindSpore official website to get more "
                            f"information about the data type.")
        self.use_one_hot = use_one_hot
        self.dtype = dtype
        table = initializer(embedding_table, [vocab_size, embedding_size])
        self.padding_idx = padding_idx
        if padding_idx is not None:
            if isinstance(padding_idx, bool) or not isinstance(padding_idx, int):
                raise TypeError(f"For '{cls_name}', the 'padding_idx' must be 'int',  but got "
                                f"'{type(padding_idx).__name__}'.")
            if not 0 <= padding_idx < vocab_size:
                raise ValueError(f"For '{cls_name}', the 'padding_idx' must be in range of [0, {vocab_size}), but got "
                                 f"{padding_idx} with type 'int'.")
            data = table._t.detach().clone()  # MindSpore copies through numpy: the initializer stays untouched
            data[padding_idx] = 0
            table = wrap(data)
        self.embedding_table = Parameter(table, name="embedding_table")

    def _index(self, t: torch.Tensor) -> torch.Tensor:
        if t.dtype.is_floating_point or t.dtype.is_complex or t.dtype is torch.bool:
            raise TypeError(f"For '{self.cls_name}', the input 'ids' must be a Tensor of an integer type (MindSpore "
                            f"takes Int32 or Int64), but got Tensor[{mstype.from_torch(t.dtype)}].")
        return t if t.dtype in _INDEX_DTYPES else t.long()

    def construct(self, ids):
        if not isinstance(ids, Tensor):
            raise TypeError(f"For '{self.cls_name}', the input 'ids' must be a Tensor, but got "
                            f"{type(ids).__name__}.")
        t = self._index(ids._t)
        table = self._parameters["embedding_table"]
        out_shape = t.shape + (self.embedding_size,)
        flat = t.reshape(-1)
        vocab = self.vocab_size
        if self.use_one_hot:
            if mstype.to_torch_dtype(self.dtype) is not table.dtype:
                raise TypeError(f"For 'MatMul', the type of 'x2' should be same as 'x1', but got 'x1' with type "
                                f"Tensor[{self.dtype}] and 'x2' with type Tensor[{mstype.from_torch(table.dtype)}].")
            # one_hot(ids) @ table: ids outside [0, vocab) select nothing and give a zero row.
            valid = (flat >= 0) & (flat < vocab)
            rows = F.embedding(torch.where(valid, flat, 0), table)
            out = torch.where(valid.unsqueeze(1), rows, rows.new_zeros(()))
            return wrap(out.reshape(out_shape))
        # Graph capture (torch.export for MindIR/ONNX export) cannot branch on data; the exported Gather does
        # its own range check when the graph runs.
        if flat.numel() and not torch.compiler.is_exporting():
            lo, hi = torch.stack(torch.aminmax(flat)).tolist()  # one device sync
            if lo < -vocab or hi >= vocab:
                bad = flat[(flat < -vocab) | (flat >= vocab)][0].item()
                raise MSRuntimeError(f"For 'Gather', the 'input_indices' should be in the range [0, {vocab}), but "
                                     f"got {bad + vocab if bad < 0 else bad}.")
            if lo < 0:  # Gather counts negative ids from the end
                flat = torch.where(flat < 0, flat + vocab, flat)
        return wrap(F.embedding(flat, table).reshape(out_shape))

    def extend_repr(self) -> str:
        return (f"vocab_size={self.vocab_size}, embedding_size={self.embedding_size}, use_one_hot={self.use_one_hot}, "
                f"embedding_table={self.embedding_table}, dtype={self.dtype}, padding_idx={self.padding_idx}")
