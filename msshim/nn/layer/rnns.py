"""Multi-layer recurrent layers ``RNN``, ``LSTM``, ``GRU`` with MindSpore 2.10's parameters and semantics.

MindSpore facts kept here:

* Parameters are registered as four ParameterTuples, so their order is every ``weight_ih_l{k}[_reverse]``,
  then every ``weight_hh_l{k}[_reverse]``, then ``bias_ih_*``, then ``bias_hh_*`` (torch interleaves them
  per layer).  Names carry no cell prefix of their own (``weight_ih_l0``).
* Initial values are drawn with the global ``np.random.uniform(-1/sqrt(hidden), 1/sqrt(hidden))`` in the
  per-layer order ``w_ih, w_hh, b_ih, b_hh``: after ``np.random.seed(s)`` msshim draws exactly the numbers
  MindSpore draws.
* Gate layouts equal torch's (LSTM ``i, f, g, o``; GRU ``r, z, n``), so torch's fused kernels run on the
  registered parameters directly.
* ``seq_length`` (per-batch valid lengths): outputs at padded steps are zero and the final states are
  those of the last valid step, for both directions (the reverse direction reverses only the valid
  prefix); a length of 0 leaves the state at ``hx``.  Lengths past the sequence end are accepted by the
  unidirectional layers and rejected by the bidirectional ones.
* The children ``rnn`` (``_DynamicLSTMCPUGPU`` ...) and ``dropout_op`` exist as in MindSpore, so ``print``
  and ``cells_and_names`` match; dropout acts between layers, in training mode only.
"""
from __future__ import annotations

import logging
import math

import numpy as np
import torch
from torch.nn.utils.rnn import PackedSequence, pack_padded_sequence, pad_packed_sequence

from msshim.common import dtype as mstype
from msshim.common.parameter import Parameter, ParameterTuple
from msshim.common.tensor import Tensor, wrap
from msshim.nn.cell import Cell
from msshim.nn.layer.basic import Dropout
from msshim.nn.layer.rnn_cells import (GRUCell, LSTMCell, RNNCell, as_dtype, check_bool, check_is_tensor,
                                       check_positive_int, check_tuple2, matmul_size_error)

# The cells live in rnn_cells.py; they are exported here because the layer package star-imports this module.
__all__ = ["LSTM", "GRU", "RNN", "LSTMCell", "GRUCell", "RNNCell"]

_LOGGER = logging.getLogger("msshim")
_VF = torch._VF
_KERNELS = {"LSTM": _VF.lstm, "GRU": _VF.gru, "RNN_TANH": _VF.rnn_tanh, "RNN_RELU": _VF.rnn_relu}
_GATES = {"LSTM": 4, "GRU": 3, "RNN_TANH": 1, "RNN_RELU": 1}
_HX_DTYPES = (torch.float32, torch.float16)


def run_recurrent(mode: str, x: torch.Tensor, hx, weights: list, has_bias: bool, num_layers: int,
                  dropout: float, train: bool, bidirectional: bool, batch_first: bool,
                  lengths: torch.Tensor | None = None) -> tuple:
    """Run a stacked recurrent layer on torch tensors: ``(output, h_n)`` or ``(output, (h_n, c_n))``.

    ``weights`` are in torch's flat order (per layer and direction: w_ih, w_hh[, b_ih, b_hh]); ``hx`` is
    ``h_0`` or ``(h_0, c_0)``, shaped ``(num_layers * num_directions, batch, hidden)``.
    """
    kernel = _KERNELS[mode]
    is_lstm = mode == "LSTM"
    if lengths is None:
        res = kernel(x, hx, weights, has_bias, num_layers, dropout, train, bidirectional, batch_first)
        return (res[0], (res[1], res[2])) if is_lstm else (res[0], res[1])
    states = list(hx) if is_lstm else [hx]
    batch_dim = 0 if batch_first else 1
    steps = x.shape[1 - batch_dim]
    lengths = lengths.to("cpu", torch.int64).clamp(0, steps)
    valid = lengths > 0
    if not bool(valid.all()):
        # Zero-length sequences are never stepped (pack_padded_sequence refuses them): their outputs stay
        # zero and their states stay at hx, as MindSpore's masked loop leaves them.
        idx = valid.nonzero().squeeze(1)
        out_shape = list(x.shape)
        out_shape[2] = states[0].shape[2] * (2 if bidirectional else 1)
        out = x.new_zeros(out_shape)
        final = [s.clone() for s in states]
        if idx.numel():
            dev_idx = idx.to(x.device)
            sub_hx = [s.index_select(1, dev_idx) for s in states]
            sub_out, sub_states = run_recurrent(mode, x.index_select(batch_dim, dev_idx),
                                                tuple(sub_hx) if is_lstm else sub_hx[0], weights, has_bias,
                                                num_layers, dropout, train, bidirectional, batch_first,
                                                lengths[idx])
            out = out.index_copy(batch_dim, dev_idx, sub_out)
            sub_states = list(sub_states) if is_lstm else [sub_states]
            final = [f.index_copy(1, dev_idx, s) for f, s in zip(final, sub_states)]
        return (out, tuple(final)) if is_lstm else (out, final[0])
    packed = pack_padded_sequence(x, lengths, batch_first=batch_first, enforce_sorted=False)
    order, unorder = packed.sorted_indices, packed.unsorted_indices
    sorted_hx = [s.index_select(1, order) for s in states]
    res = kernel(packed.data, packed.batch_sizes, tuple(sorted_hx) if is_lstm else sorted_hx[0], weights,
                 has_bias, num_layers, dropout, train, bidirectional)
    out, _ = pad_packed_sequence(PackedSequence(res[0], packed.batch_sizes, order, unorder),
                                 batch_first=batch_first, total_length=steps)
    final = [s.index_select(1, unorder) for s in res[1:]]
    return (out, tuple(final)) if is_lstm else (out, final[0])


class _DynamicRNNBase(Cell):
    """One layer in one direction, MindSpore's ``construct(x, h, seq_length, w_ih, w_hh, b_ih, b_hh)``
    (time-major ``x``).  The stacked layers call the fused kernels for all layers at once instead."""

    _mode = "RNN_TANH"

    def construct(self, x, h, seq_length, w_ih, w_hh, b_ih, b_hh):
        t = x._t
        dt = t.dtype
        weights = [as_dtype(w._t, dt) for w in (w_ih, w_hh)]
        if b_ih is not None:
            weights += [as_dtype(b_ih._t, dt), as_dtype(b_hh._t, dt)]
        hx = tuple(s._t.unsqueeze(0) for s in h) if self._mode == "LSTM" else h._t.unsqueeze(0)
        lengths = None if seq_length is None else seq_length._t
        out, state = run_recurrent(self._mode, t, hx, weights, b_ih is not None, 1, 0.0, False, False, False,
                                   lengths)
        if self._mode == "LSTM":
            return wrap(out), (wrap(state[0][0]), wrap(state[1][0]))
        return wrap(out), wrap(state[0])


class _DynamicRNNTanh(_DynamicRNNBase):
    _mode = "RNN_TANH"


class _DynamicRNNRelu(_DynamicRNNBase):
    _mode = "RNN_RELU"


class _DynamicGRUCPUGPU(_DynamicRNNBase):
    _mode = "GRU"


class _DynamicLSTMCPUGPU(_DynamicRNNBase):
    _mode = "LSTM"


_DYNAMIC = {"LSTM": _DynamicLSTMCPUGPU, "GRU": _DynamicGRUCPUGPU, "RNN_TANH": _DynamicRNNTanh,
            "RNN_RELU": _DynamicRNNRelu}


class _RNNBase(Cell):
    """Stacked (optionally bidirectional) recurrent layer; ``construct(x, hx=None, seq_length=None)``."""

    _builtin_layer = True

    def __init__(self, mode: str, input_size: int, hidden_size: int, num_layers: int = 1, has_bias: bool = True,
                 batch_first: bool = False, dropout: float = 0., bidirectional: bool = False,
                 dtype=mstype.float32):
        super().__init__()
        cls = self.cls_name
        check_positive_int(hidden_size, "hidden_size", cls)
        check_positive_int(input_size, "input_size", cls)
        check_positive_int(num_layers, "num_layers", cls)
        if not isinstance(dropout, float):
            raise TypeError(f"For '{cls}', the type of 'dropout' must be 'float', but got "
                            f"'{type(dropout).__name__}'.")
        check_bool(has_bias, "has_bias", cls)
        check_bool(batch_first, "batch_first", cls)
        check_bool(bidirectional, "bidirectional", cls)
        if not 0 <= dropout < 1:
            raise ValueError(f"For '{cls}', the 'dropout' must be a number in range [0, 1) representing the "
                             f"probability of an element being zeroed, but got {dropout}.")
        if dropout > 0 and num_layers == 1:
            _LOGGER.warning("dropout option adds dropout after all but last recurrent layer, so non-zero dropout "
                            "expects num_layers greater than 1, but got dropout=%s and num_layers=%s",
                            dropout, num_layers)
        if mode not in _GATES:
            raise ValueError(f"For '{cls}', the 'mode' must be in ['RNN_RELU', 'RNN_TANH', 'LSTM', 'GRU'], but got "
                             f"{mode}.")
        self.rnn = _DYNAMIC[mode]()
        gate_size = _GATES[mode] * hidden_size
        self.mode = mode
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.batch_first = batch_first
        self.num_layers = num_layers
        self.dropout = dropout
        self.dropout_op = Dropout(p=float(dropout))
        self.bidirectional = bidirectional
        self.has_bias = has_bias
        num_directions = 2 if bidirectional else 1
        self.is_lstm = mode == "LSTM"
        stdv = 1 / math.sqrt(hidden_size)
        w_ih, w_hh, b_ih, b_hh, flat = [], [], [], [], []

        def draw(shape, name):
            return Parameter(Tensor(np.random.uniform(-stdv, stdv, shape).astype(np.float32), dtype=dtype),
                             name=name)

        for layer in range(num_layers):
            for direction in range(num_directions):
                layer_input_size = input_size if layer == 0 else hidden_size * num_directions
                suffix = "_reverse" if direction == 1 else ""
                names = [f"weight_ih_l{layer}{suffix}", f"weight_hh_l{layer}{suffix}"]
                w_ih.append(draw((gate_size, layer_input_size), names[0]))
                w_hh.append(draw((gate_size, hidden_size), names[1]))
                if has_bias:
                    names += [f"bias_ih_l{layer}{suffix}", f"bias_hh_l{layer}{suffix}"]
                    b_ih.append(draw((gate_size,), names[2]))
                    b_hh.append(draw((gate_size,), names[3]))
                flat += names
        self.w_ih_list = ParameterTuple(w_ih)
        self.w_hh_list = ParameterTuple(w_hh)
        self.b_ih_list = ParameterTuple(b_ih)
        self.b_hh_list = ParameterTuple(b_hh)
        # Keys of self._parameters in torch's flat-weights order (layer, direction, w_ih, w_hh, b_ih, b_hh).
        self._flat_names = tuple(flat)

    # ------------------------------------------------------------------ input checks
    def _check_x(self, x) -> torch.Tensor:
        cls = self.cls_name
        check_is_tensor("x", x, cls)
        t = x._t
        if self.is_lstm:
            if t.dim() != 3:
                raise ValueError(f"For primitive[LSTM], the x_shape.size() must be equal to 3, but got {t.dim()}.")
            if t.shape[2] != self.input_size:
                raise ValueError(f"For primitive[LSTM], the x_shape[2] must be equal to {self.input_size}, but "
                                 f"got {t.shape[2]}.")
            return t
        if t.dim() != 3:
            raise ValueError(f"For '{cls}', the 'x' must be a 3-D tensor (seq_len, batch, input_size) or "
                             f"(batch, seq_len, input_size), but got shape {tuple(t.shape)}.")
        if t.shape[2] != self.input_size:
            raise matmul_size_error(t.shape[2], self.input_size)
        return t

    def _check_state(self, arg: str, state, x: torch.Tensor, expected: tuple) -> torch.Tensor:
        cls = self.cls_name
        check_is_tensor(arg, state, cls)
        s = state._t
        if s.dtype not in _HX_DTYPES:
            raise TypeError(f"For '{cls}', the element of '{arg}' must be one of Float32, Float16, but got "
                            f"{mstype.from_torch(s.dtype)}.")
        if s.dtype is not x.dtype:
            raise TypeError(f"For '{cls}', the type of '{arg}' should be same as 'x', but got 'x' with type "
                            f"{mstype.from_torch(x.dtype)} and '{arg}' with type {mstype.from_torch(s.dtype)}.")
        if tuple(s.shape) != expected:
            if not self.is_lstm and s.dim() == 3 and s.shape[2] != self.hidden_size:
                raise matmul_size_error(s.shape[2], self.hidden_size)
            raise ValueError(f"For '{cls}', the shape of '{arg}' must be {expected} (num_layers * num_directions, "
                             f"batch_size, hidden_size), but got {tuple(s.shape)}.")
        return s

    def _check_seq_length(self, seq_length, batch: int, steps: int) -> torch.Tensor:
        cls = self.cls_name
        lengths = seq_length._t if isinstance(seq_length, Tensor) else seq_length
        if not isinstance(lengths, torch.Tensor):
            raise TypeError(f"For '{cls}', the 'seq_length' must be a Tensor, but got {type(seq_length).__name__}.")
        if lengths.dtype not in (torch.int32, torch.int64):
            raise TypeError(f"For '{cls}', the 'seq_length' should be one of [mindspore.int32, mindspore.int64], "
                            f"but got '{mstype.from_torch(lengths.dtype)!r}'.")
        if lengths.dim() != 1 or lengths.shape[0] != batch:
            got = lengths.shape[0] if lengths.dim() else lengths.numel()
            raise ValueError(f"For '{cls}' batch size of x and seq_length must be equal, but got {batch} of x and "
                             f"{got} of seq_length.")
        if self.bidirectional:
            too_long = (lengths > steps).nonzero()
            if too_long.numel():
                i = int(too_long[0, 0])
                raise ValueError(f"For '{cls}', Invalid seq_lengths[{i}]: {int(lengths[i])}: a sequence length "
                                 f"must not exceed the number of time steps {steps}.")
        return lengths

    # ------------------------------------------------------------------ forward
    def construct(self, x, hx=None, seq_length=None):
        t = self._check_x(x)
        batch = t.shape[0] if self.batch_first else t.shape[1]
        steps = t.shape[1] if self.batch_first else t.shape[0]
        dt = t.dtype
        shape = (self.num_layers * (2 if self.bidirectional else 1), batch, self.hidden_size)
        if hx is None:
            h0 = t.new_zeros(shape)
            state = (h0, t.new_zeros(shape)) if self.is_lstm else h0
        elif self.is_lstm:
            check_tuple2("hx", hx, self.cls_name)
            state = (self._check_state("hx[0]", hx[0], t, shape), self._check_state("hx[1]", hx[1], t, shape))
        else:
            state = self._check_state("hx", hx, t, shape)
        lengths = None if seq_length is None else self._check_seq_length(seq_length, batch, steps)
        params = self._parameters
        weights = [as_dtype(params[name], dt) for name in self._flat_names]
        train = self.dropout != 0 and self.dropout_op.training
        out, final = run_recurrent(self.mode, t, state, weights, self.has_bias, self.num_layers, self.dropout,
                                   train, self.bidirectional, self.batch_first, lengths)
        if self.is_lstm:
            return wrap(out), (wrap(final[0]), wrap(final[1]))
        return wrap(out), wrap(final)


class RNN(_RNNBase):
    """``RNN(input_size, hidden_size, num_layers=1, has_bias=True, batch_first=False, dropout=0.0,
    bidirectional=False, dtype=mstype.float32, *, nonlinearity='tanh')``: Elman RNN,
    ``h_t = nonlinearity(x_t W_ih.T + b_ih + h_{t-1} W_hh.T + b_hh)``; returns ``(output, h_n)``.
    ``nonlinearity`` is keyword-only, as in MindSpore (where it is read from ``**kwargs``)."""

    def __init__(self, *args, **kwargs):
        if "nonlinearity" in kwargs:
            nonlinearity = kwargs.pop("nonlinearity")
            if nonlinearity == "tanh":
                mode = "RNN_TANH"
            elif nonlinearity == "relu":
                mode = "RNN_RELU"
            else:
                raise ValueError(f"For 'RNN', the 'nonlinearity' must be in ['tanh', 'relu'], but got "
                                 f"{nonlinearity}.")
        else:
            mode = "RNN_TANH"
        super().__init__(mode, *args, **kwargs)


class GRU(_RNNBase):
    """``GRU(input_size, hidden_size, num_layers=1, has_bias=True, batch_first=False, dropout=0.0,
    bidirectional=False, dtype=mstype.float32)``; gates ``r, z, n``; returns ``(output, h_n)``."""

    def __init__(self, *args, **kwargs):
        super().__init__("GRU", *args, **kwargs)


class LSTM(_RNNBase):
    """``LSTM(input_size, hidden_size, num_layers=1, has_bias=True, batch_first=False, dropout=0.0,
    bidirectional=False, dtype=mstype.float32)``; gates ``i, f, g, o``; ``construct(x, hx=None,
    seq_length=None)`` with ``hx = (h_0, c_0)`` returns ``(output, (h_n, c_n))``."""

    def __init__(self, *args, **kwargs):
        super().__init__("LSTM", *args, **kwargs)
