"""``mindspore.dataset.text`` transforms: PythonTokenizer, Lookup, ToNumber, Truncate."""
from __future__ import annotations

import numpy as np

from msshim.dataset.core.validator_helpers import INT32_MAX, check_value, type_check
from msshim.dataset.engine._rows import pipeline_error
from msshim.dataset.text.utils import Vocab, to_str
from msshim.dataset.transforms.transforms import TensorOperation

__all__ = ["PythonTokenizer", "Lookup", "ToNumber", "Truncate"]


class TextTensorOperation(TensorOperation):
    """Base of the text operations."""


class PythonTokenizer:
    """Split each string with ``tokenizer`` (a Python callable returning a list of str)."""

    def __init__(self, tokenizer):
        if not callable(tokenizer):
            raise TypeError("tokenizer is not a callable Python function.")
        self.pyfunc = tokenizer
        self.tokenizer = np.vectorize(lambda x: np.array(tokenizer(x), dtype="U"), signature="()->(n)")
        self.random = False

    def __call__(self, in_array):
        if not isinstance(in_array, np.ndarray):
            raise TypeError("input should be a NumPy array. Got {}.".format(type(in_array)))
        if in_array.dtype.type is np.bytes_:
            in_array = to_str(in_array)
        try:
            return self.tokenizer(in_array)
        except Exception as e:  # noqa: BLE001 - MindSpore wraps any tokenizer failure
            raise RuntimeError("Error occurred in Pyfunc [" + str(self.pyfunc.__name__) + "], error message: "
                               + str(e)) from e


class Lookup(TextTensorOperation):
    """Map each token to its id in ``vocab``; unknown tokens map to ``unknown_token``'s id (an error without
    one).  Ids have ``data_type`` (int32 by default)."""

    def __init__(self, vocab, unknown_token=None, data_type=None):
        from msshim.common import dtype as mstype
        data_type = mstype.int32 if data_type is None else data_type
        if unknown_token is not None:
            type_check(unknown_token, (str,), "unknown_token")
        type_check(vocab, (Vocab,), "vocab is not an instance of text.Vocab.")
        type_check(vocab.c_vocab, (dict,), "vocab.c_vocab is not an instance of cde.Vocab.")
        type_check(data_type, (mstype.Type,), "data_type")
        super().__init__()
        self.vocab = vocab
        self.unknown_token = unknown_token
        self.data_type = data_type
        self._np_dtype = np.dtype(mstype.dtype_to_nptype(data_type))

    def _execute(self, tokens):
        table = self.vocab.c_vocab
        default = None
        if self.unknown_token is not None:
            if self.unknown_token not in table:
                raise pipeline_error(f'Lookup: "{self.unknown_token}" doesn\'t exist in vocab.')
            default = table[self.unknown_token]
        if tokens.dtype.kind == "S":
            tokens = to_str(tokens)
        if tokens.dtype.kind != "U":
            raise pipeline_error("Lookup: input is not string datatype, got: " + str(tokens.dtype))
        ids = []
        for token in tokens.reshape(-1).tolist():
            value = table.get(token, default)
            if value is None:
                raise pipeline_error(f'Lookup: invalid data, token: "{token}" doesn\'t exist in vocab and no '
                                     f'unknown token is specified.')
            ids.append(value)
        return np.asarray(ids, dtype=self._np_dtype).reshape(tokens.shape)


class ToNumber(TextTensorOperation):
    """Parse every string element as a number of ``data_type``."""

    def __init__(self, data_type):
        from msshim.common import dtype as mstype
        type_check(data_type, (mstype.Type,), "data_type")
        super().__init__()
        self.data_type = data_type
        self._np_dtype = np.dtype(mstype.dtype_to_nptype(data_type))

    def _execute(self, strings):
        if strings.dtype.kind == "S":
            strings = to_str(strings)
        if strings.dtype.kind != "U":
            raise pipeline_error("ToNumber: input should be string datatype, got: " + str(strings.dtype))
        parse = float if self._np_dtype.kind == "f" else int
        values = []
        for s in strings.reshape(-1).tolist():
            try:
                values.append(parse(s))
            except (ValueError, OverflowError) as exc:
                raise pipeline_error(f'ToNumber: it is invalid to convert "{s}" to a number.') from exc
        info = np.iinfo(self._np_dtype) if self._np_dtype.kind in "iu" else None
        if info is not None and any(v < info.min or v > info.max for v in values):
            raise pipeline_error(f"ToNumber: string input is out of bounds for {self._np_dtype}.")
        return np.asarray(values, dtype=self._np_dtype).reshape(strings.shape)


class Truncate(TextTensorOperation):
    """Keep the first ``max_seq_len`` elements of a 1-D (or 2-D, along the last axis) input."""

    def __init__(self, max_seq_len):
        type_check(max_seq_len, (int,), "max_seq_len")
        check_value(max_seq_len, [0, INT32_MAX], "max_seq_len")
        super().__init__()
        self.max_seq_len = max_seq_len

    def _execute(self, array):
        if array.ndim not in (1, 2):
            raise pipeline_error(f"Truncate: the input tensor should be of dimension 1 or 2, but got: {array.ndim}")
        return array[..., :self.max_seq_len].copy()
