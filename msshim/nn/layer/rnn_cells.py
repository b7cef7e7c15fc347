"""Single-step recurrent cells: ``RNNCell``, ``LSTMCell``, ``GRUCell`` (MindSpore 2.10 names and behaviour).

MindSpore's gate layouts equal torch's (LSTM ``i, f, g, o``; GRU ``r, z, n`` with ``b_hh`` inside the reset
product), so the cells run torch's fused ``_VF`` cell kernels on the registered parameters unchanged.
Parameters are ``weight_ih (chunks*hidden, input)``, ``weight_hh (chunks*hidden, hidden)``, ``bias_ih``,
``bias_hh``, all drawn from ``Uniform(1/sqrt(hidden_size))``.  As in MindSpore, the batch dimensions of ``x``
and ``hx`` broadcast against each other (a batch of 1 pairs with any batch).
"""
from __future__ import annotations

import logging
import math

import numpy as np
import torch

from msshim.common import dtype as mstype
from msshim.common.initializer import Uniform, initializer
from msshim.common.parameter import Parameter
from msshim.common.tensor import Tensor, wrap
from msshim.nn.cell import Cell

__all__ = ["LSTMCell", "GRUCell", "RNNCell"]

_LOGGER = logging.getLogger("msshim")
_VF = torch._VF
_FLOAT_INPUTS = (torch.float32, torch.float16)


# ---------------------------------------------------------------------------------------------- validators
def check_positive_int(value, arg: str, cls_name: str) -> int:
    """MindSpore's ``validator.check_positive_int`` (bool counts as a wrong value, not a wrong type)."""
    if isinstance(value, bool):
        raise TypeError(f"For '{cls_name}', the '{arg}' must be int and must > 0, but got '{value}' with type "
                        f"'bool'.")
    if not isinstance(value, int):
        raise TypeError(f"For '{cls_name}', the '{arg}' must be int, but got '{type(value).__name__}'")
    if value <= 0:
        raise ValueError(f"For '{cls_name}', the '{arg}' must be int and must > 0, but got '{value}' with type "
                         f"'int'.")
    return value


def check_bool(value, arg: str, cls_name: str) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"For '{cls_name}', the type of '{arg}' should be 'bool', but got type "
                        f"'{type(value).__name__}'.")
    return value


def check_is_tensor(arg: str, value, cls_name: str) -> None:
    if not isinstance(value, Tensor):
        raise TypeError(f"For '{cls_name}', the '{arg}' must be 'Tensor', but got '{type(value).__name__}'")


def check_tuple2(arg: str, value, cls_name: str) -> None:
    if not isinstance(value, tuple):
        raise TypeError(f"For '{cls_name}', the '{arg}' must be 'Tuple', but got '{type(value).__name__}'")
    if len(value) != 2:
        raise TypeError(f"For '{cls_name}', the length of '{arg}' must be '2', but got '{len(value)}'")


def check_float_input(arg: str, t: torch.Tensor, cls_name: str) -> None:
    if t.dtype not in _FLOAT_INPUTS:
        raise TypeError(f"For '{cls_name}', the '{arg}' should be one of [mindspore.float32, mindspore.float16], "
                        f"but got '{mstype.from_torch(t.dtype)!r}'.")


def matmul_size_error(got: int, expected: int) -> ValueError:
    """The error MindSpore's ``MatMul`` gives when ``x @ w.T`` has mismatched inner sizes."""
    return ValueError(f"For 'MatMul' the input dimensions must be equal, but got 'x1_col': {got} and "
                      f"'x2_row': {expected}.")


def as_dtype(param: torch.Tensor | None, dtype: torch.dtype) -> torch.Tensor | None:
    """A parameter in the computation's dtype (MindSpore casts weights to the input's dtype)."""
    if param is None or param.dtype is dtype:
        return param
    return param.to(dtype)


# ---------------------------------------------------------------------------------------------- cells
class RNNCellBase(Cell):
    """Parameters of a single recurrent cell with ``num_chunks`` gates."""

    _builtin_layer = True

    def __init__(self, input_size: int, hidden_size: int, has_bias: bool, num_chunks: int,
                 dtype=mstype.float32):
        super().__init__()
        cls = self.cls_name
        check_bool(has_bias, "has_bias", cls)
        check_positive_int(hidden_size, "hidden_size", cls)
        check_positive_int(input_size, "input_size", cls)
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.has_bias = has_bias
        # MindSpore first fills the parameters with np.random.randn and then re-draws them in
        # reset_parameters; the randn calls are kept so the global numpy stream advances the same way.
        gates = num_chunks * hidden_size
        self.weight_ih = Parameter(Tensor(np.random.randn(gates, input_size), dtype=dtype))
        self.weight_hh = Parameter(Tensor(np.random.randn(gates, hidden_size), dtype=dtype))
        if has_bias:
            self.bias_ih = Parameter(Tensor(np.random.randn(gates), dtype=dtype))
            self.bias_hh = Parameter(Tensor(np.random.randn(gates), dtype=dtype))
        else:
            self.bias_ih = None
            self.bias_hh = None
        self.reset_parameters(dtype=dtype)

    def reset_parameters(self, dtype=mstype.float32) -> None:
        """Redraw every parameter from ``Uniform(1/sqrt(hidden_size))``."""
        stdv = 1 / math.sqrt(self.hidden_size)
        for weight in self.get_parameters():
            weight.set_data(initializer(Uniform(stdv), weight.shape, dtype))

    def _single_state_inputs(self, x, hx) -> tuple:
        """Checked torch input and state (batch-broadcast) and the cell's weights, for RNNCell and GRUCell."""
        cls = self.cls_name
        check_is_tensor("x", x, cls)
        check_is_tensor("hx", hx, cls)
        t, h = x._t, hx._t
        check_float_input("x", t, cls)
        check_float_input("hx", h, cls)
        weights = self._weights(t, h)
        t, h = _broadcast_batch(cls, t, h)
        return t, h, weights

    def _weights(self, x: torch.Tensor, hx: torch.Tensor) -> tuple:
        """Validate the shapes of ``x`` and ``hx`` and return the parameters in ``x``'s dtype."""
        if x.dim() != 2 or hx.dim() != 2:
            raise ValueError("MatMul inputs should have the same dimension size and equal to 2.")
        if x.shape[1] != self.input_size:
            raise matmul_size_error(x.shape[1], self.input_size)
        if hx.shape[1] != self.hidden_size:
            raise matmul_size_error(hx.shape[1], self.hidden_size)
        params = self._parameters
        dt = x.dtype
        return (as_dtype(params["weight_ih"], dt), as_dtype(params["weight_hh"], dt),
                as_dtype(params.get("bias_ih"), dt), as_dtype(params.get("bias_hh"), dt))


def _broadcast_batch(cls_name: str, *tensors: torch.Tensor) -> list:
    """Expand batch-1 operands to the common batch size, as MindSpore's broadcasting adds do."""
    sizes = {t.shape[0] for t in tensors}
    if len(sizes) == 1:
        return list(tensors)
    big = max(sizes)
    if sizes - {1, big}:
        shapes = ", ".join(str(list(t.shape)) for t in tensors)
        raise ValueError(f"For '{cls_name}', the batch sizes of the inputs must be equal or 1, but got the shapes "
                         f"{shapes}.")
    return [t.expand(big, t.shape[1]) if t.shape[0] == 1 else t for t in tensors]


class RNNCell(RNNCellBase):
    """``RNNCell(input_size, hidden_size, has_bias=True, nonlinearity='tanh', dtype=mstype.float32)``:
    ``h' = nonlinearity(x @ W_ih.T + b_ih + h @ W_hh.T + b_hh)``; ``construct(x, hx)`` returns ``h'``."""

    _non_linearity = ["tanh", "relu"]

    def __init__(self, input_size: int, hidden_size: int, has_bias: bool = True, nonlinearity: str = "tanh",
                 dtype=mstype.float32):
        super().__init__(input_size, hidden_size, has_bias, num_chunks=1, dtype=dtype)
        if not isinstance(nonlinearity, str):
            raise TypeError(f"For 'RNNCell', the type of 'nonlinearity' should be 'str', but got type "
                            f"'{type(nonlinearity).__name__}'.")
        if nonlinearity not in self._non_linearity:
            raise ValueError(f"For 'RNNCell', the 'nonlinearity' must be str and must be in "
                             f"'{self._non_linearity}', but got '{nonlinearity}'.")
        self.nonlinearity = nonlinearity

    def construct(self, x, hx):
        t, h, (w_ih, w_hh, b_ih, b_hh) = self._single_state_inputs(x, hx)
        fn = _VF.rnn_tanh_cell if self.nonlinearity == "tanh" else _VF.rnn_relu_cell
        return wrap(fn(t, h.to(t.dtype), w_ih, w_hh, b_ih, b_hh))


class LSTMCell(RNNCellBase):
    """``LSTMCell(input_size, hidden_size, has_bias=True, dtype=mstype.float32)``; ``construct(x, (h, c))``
    returns ``(h', c')``.  Gates are ``i, f, g, o`` along the first weight axis.

    MindSpore rejects the pre-1.6 signature: more than three positional arguments (so ``dtype`` must be passed
    by keyword) or ``batch_size``/``dropout``/``bidirectional`` keywords raise ValueError.
    """

    def __init__(self, input_size: int, hidden_size: int, has_bias: bool = True, *args, dtype=mstype.float32,
                 **kwargs):
        _LOGGER.warning("LSTMCell has been changed from 'single LSTM layer' to 'single LSTM cell', if you still "
                        "need use single LSTM layer, please use `nn.LSTM` instead.")
        if args or "batch_size" in kwargs or "dropout" in kwargs or "bidirectional" in kwargs:
            raise ValueError("The arguments of `nn.LSTMCell` from old MindSpore version(<1.6) are detected, if you "
                             "still need use single LSTM layer, please use `nn.LSTM` instead.")
        if kwargs:
            raise TypeError(f"LSTMCell.__init__() got an unexpected keyword argument '{next(iter(kwargs))}'")
        super().__init__(input_size, hidden_size, has_bias, num_chunks=4, dtype=dtype)
        self.support_non_tensor_inputs = True

    def construct(self, x, hx, *args):
        cls = self.cls_name
        if len(args) == 2:
            raise ValueError(f"For '{cls}', the number of input args of construct is 4, if you are using the "
                             "implementation of `nn.LSTMCell` from old MindSpore version(<1.6), please notice that: "
                             "LSTMCell has been changed from 'single LSTM layer' to 'single LSTM cell', if you "
                             "still need use single LSTM layer, please use `nn.LSTM` instead.")
        if args:
            raise TypeError(f"For '{cls}', construct() takes 2 inputs (x, hx), but got {2 + len(args)}.")
        check_is_tensor("x", x, cls)
        check_tuple2("hx", hx, cls)
        check_is_tensor("hx[0]", hx[0], cls)
        check_is_tensor("hx[1]", hx[1], cls)
        t, h, c = x._t, hx[0]._t, hx[1]._t
        check_float_input("x", t, cls)
        check_float_input("hx[0]", h, cls)
        check_float_input("hx[1]", c, cls)
        w_ih, w_hh, b_ih, b_hh = self._weights(t, h)
        if c.dim() != 2 or c.shape[1] != self.hidden_size:
            raise ValueError(f"For '{cls}', the shape of 'hx[1]' must be (batch_size, {self.hidden_size}), but got "
                             f"{tuple(c.shape)}.")
        t, h, c = _broadcast_batch(cls, t, h, c)
        dt = t.dtype
        hy, cy = _VF.lstm_cell(t, (h.to(dt), c.to(dt)), w_ih, w_hh, b_ih, b_hh)
        return wrap(hy), wrap(cy)


class GRUCell(RNNCellBase):
    """``GRUCell(input_size, hidden_size, has_bias=True, dtype=mstype.float32)``; ``construct(x, hx)``
    returns ``h'``.  Gates are ``r, z, n``; ``n = tanh(x W_in + b_in + r * (h W_hn + b_hn))``."""

    def __init__(self, input_size: int, hidden_size: int, has_bias: bool = True, dtype=mstype.float32):
        super().__init__(input_size, hidden_size, has_bias, num_chunks=3, dtype=dtype)

    def construct(self, x, hx):
        t, h, (w_ih, w_hh, b_ih, b_hh) = self._single_state_inputs(x, hx)
        return wrap(_VF.gru_cell(t, h.to(t.dtype), w_ih, w_hh, b_ih, b_hh))
