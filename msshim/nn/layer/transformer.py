"""``MultiheadAttention`` and the Transformer layers with MindSpore 2.10's parameters and numerics.

MindSpore facts kept here (they differ from torch.nn):

* ``MultiheadAttention.construct`` returns a tuple: ``(output, weights)``, or ``(output,)`` (a 1-tuple)
  when ``need_weights=False``.
* Parameter order is the cell's own (``in_proj_weight`` or ``q/k/v_proj_weight``, ``in_proj_bias``,
  ``bias_k``, ``bias_v``) and then ``out_proj.weight``, ``out_proj.bias`` (a ``Dense`` child).  Defaults:
  XavierUniform projection weights, zero ``in_proj_bias``, ``out_proj`` HeUniform(sqrt(5)) / Uniform(1/sqrt(E)),
  XavierNormal ``bias_k``/``bias_v``.
* Masks: a bool (or uint8) mask is True where attention is *not* allowed (-inf); a float mask is added.
  A bool ``key_padding_mask`` combined with a float ``attn_mask`` is *added as 0/1* (MindSpore adds the bool
  mask to the float one without converting it to -inf); a float padding mask with a bool ``attn_mask`` is
  or-ed (any non-zero float masks).  A fully masked row gives NaN here; MindSpore's CPU softmax returns
  0 for such a row and for the rows after it (a kernel defect msshim does not copy).
* ``TransformerEncoder``/``TransformerDecoder`` build one fresh layer from the given layer's settings and
  deep-copy it ``num_layers`` times: every layer starts with the same weights, the given layer's own weights
  are not used.  ``activation`` accepts ``'relu'``, ``'gelu'`` (exact erf GELU), ``ops.relu`` or ``ops.gelu``;
  MindSpore rejects ``nn.ReLU()``/``nn.GELU()`` instances (they fail its callable check).
"""
from __future__ import annotations

import copy
import math
from typing import Optional, Union

import torch
import torch.nn.functional as F

from msshim.common import dtype as mstype
from msshim.common._convert import to_torch
from msshim.common.initializer import HeUniform, Uniform, XavierNormal, XavierUniform, initializer
from msshim.common.parameter import Parameter
from msshim.common.tensor import Tensor, wrap
from msshim.nn.cell import Cell
from msshim.nn.layer.basic import Dense, Dropout
from msshim.nn.layer.container import CellList
from msshim.nn.layer.rnn_cells import as_dtype

__all__ = ["MultiheadAttention", "TransformerEncoderLayer", "TransformerDecoderLayer", "TransformerEncoder",
           "TransformerDecoder", "Transformer"]


# ---------------------------------------------------------------------------------------------- functional
def _check_shapes(query, key, value, key_padding_mask, attn_mask, num_heads) -> bool:
    """MindSpore's rank checks; returns whether the input is batched."""
    if query.dim() == 3:
        if key.dim() != 3 or value.dim() != 3:
            raise ValueError(f"For batched `query`, the `key` and `value` must be 3D tensor, but got `key` with "
                             f"{key.dim()}D and `value` with {value.dim()}D.")
        if key_padding_mask is not None and key_padding_mask.dim() != 2:
            raise ValueError(f"For batched `query`, the `key_padding_mask` must be `None` or 2D, but got "
                             f"`key_padding_mask` with {key_padding_mask.dim()}D.")
        if attn_mask is not None and attn_mask.dim() not in (2, 3):
            raise ValueError(f"For batched `query`, the `attn_mask` must be `None`, 2-D or 3-D, but got "
                             f"`attn_mask` with{attn_mask.dim()}D.")
        return True
    if query.dim() == 2:
        if key.dim() != 2 or value.dim() != 2:
            raise ValueError(f"For unbatched `query`, the `key` and `value` must be 2D tensor, but got `key` with "
                             f"{key.dim()}D and `value` with {value.dim()}D.")
        if key_padding_mask is not None and key_padding_mask.dim() != 1:
            raise ValueError(f"For unbatched `query`, the `key_padding_mask` must be `None` or 1D, but got "
                             f"`key_padding_mask` with {key_padding_mask.dim()}D.")
        if attn_mask is not None:
            if attn_mask.dim() not in (2, 3):
                raise ValueError(f"For unbatched `query`, the `attn_mask` must be `None`, 2-D or 3-D, but got "
                                 f"`attn_mask` with{attn_mask.dim()}D.")
            expected = (num_heads, query.shape[0], key.shape[0])
            if attn_mask.dim() == 3 and tuple(attn_mask.shape) != expected:
                raise ValueError(f"The shape of `attn_mask` must to be {expected}, but got {tuple(attn_mask.shape)}.")
        return False
    raise ValueError(f"The `query` should be unbatched 2D or batched 3D tensor, but got `query` with "
                     f"{query.dim()}D.")


def _in_projection(q, k, v, w_q, w_k, w_v, b_q, b_k, b_v) -> tuple:
    eq, ek, ev = q.shape[-1], k.shape[-1], v.shape[-1]
    for name, w, want in (("query", w_q, (eq, eq)), ("key", w_k, (eq, ek)), ("value", w_v, (eq, ev))):
        if tuple(w.shape) != want:
            raise ValueError(f"Expecting {name} weights shape of {want}, but got {tuple(w.shape)}")
    return F.linear(q, w_q, b_q), F.linear(k, w_k, b_k), F.linear(v, w_v, b_v)


def _pad_last(mask: torch.Tensor) -> torch.Tensor:
    """One extra (unmasked) key position at the end, for ``bias_k`` and ``add_zero_attn``."""
    return F.pad(mask, (0, 1)) if mask.dtype is not torch.bool else F.pad(mask.to(torch.uint8), (0, 1)).bool()


def multi_head_attention_forward(query, key, value, embed_dim, num_heads, in_proj_weight, in_proj_bias, bias_k,
                                 bias_v, add_zero_attn, dropout_p, out_proj_weight, out_proj_bias, training=True,
                                 key_padding_mask=None, attn_mask=None, q_proj_weight=None, k_proj_weight=None,
                                 v_proj_weight=None, average_attn_weights=True, need_weights=True) -> tuple:
    """MindSpore's ``multi_head_attention_forward`` on torch tensors (sequence-first layout).

    Returns ``(output, weights)``; ``weights`` is None when ``need_weights`` is False.
    """
    is_batched = _check_shapes(query, key, value, key_padding_mask, attn_mask, num_heads)
    if not is_batched:
        query, key, value = query.unsqueeze(1), key.unsqueeze(1), value.unsqueeze(1)
        if key_padding_mask is not None:
            key_padding_mask = key_padding_mask.unsqueeze(0)
    tgt_len, bsz, e = query.shape
    src_len = key.shape[0]
    if key_padding_mask is not None and key_padding_mask.dtype is not torch.bool \
            and not key_padding_mask.is_floating_point():
        raise ValueError("The `key_padding_mask` only supports bool and floating dtypes.")
    if e != embed_dim:
        raise ValueError(f"The `embed_dim` should be {embed_dim}, but got {e}.")
    head_dim = e // num_heads
    dt = query.dtype
    if q_proj_weight is not None:
        if key.shape[:2] != value.shape[:2]:
            raise ValueError(f"The sequence length and batch dims of `key`: {tuple(key.shape[:2])} do not match "
                             f"`value`: {tuple(value.shape[:2])}.")
        b_q = b_k = b_v = None
        if in_proj_bias is not None:
            b_q, b_k, b_v = as_dtype(in_proj_bias, dt).tensor_split(3)
        q, k, v = _in_projection(query, key, value, as_dtype(q_proj_weight, dt), as_dtype(k_proj_weight, dt),
                                 as_dtype(v_proj_weight, dt), b_q, b_k, b_v)
    else:
        if key.shape != value.shape:
            raise ValueError(f"The shape of `key` {tuple(key.shape)} does not match `value` {tuple(value.shape)}.")
        w = as_dtype(in_proj_weight, dt)
        b = as_dtype(in_proj_bias, dt)
        if query is key and key is value:  # self-attention: one projection matmul
            q, k, v = F.linear(query, w, b).chunk(3, dim=-1)
        else:
            w_q, w_k, w_v = w.chunk(3)
            b_q, b_k, b_v = (None, None, None) if b is None else b.chunk(3)
            q, k, v = F.linear(query, w_q, b_q), F.linear(key, w_k, b_k), F.linear(value, w_v, b_v)

    if attn_mask is not None:
        if attn_mask.dtype is torch.uint8:
            attn_mask = attn_mask.bool()
        elif not attn_mask.is_floating_point() and attn_mask.dtype is not torch.bool:
            raise ValueError(f"`attn_mask` only support float, byte, and bool types, but got not "
                             f"{mstype.from_torch(attn_mask.dtype)}.")
        if attn_mask.dim() == 2:
            if tuple(attn_mask.shape) != (tgt_len, src_len):
                raise ValueError(f"The shape of the `attn_mask` should be {(tgt_len, src_len)}, but got "
                                 f"{tuple(attn_mask.shape)}.")
            attn_mask = attn_mask.unsqueeze(0)
        elif tuple(attn_mask.shape) != (bsz * num_heads, tgt_len, src_len):
            raise ValueError(f"The shape of the `attn_mask` should be {(bsz * num_heads, tgt_len, src_len)}, but "
                             f"got {tuple(attn_mask.shape)}.")

    if bias_k is not None and bias_v is not None:
        k = torch.cat([k, as_dtype(bias_k, dt).expand(1, bsz, e)])
        v = torch.cat([v, as_dtype(bias_v, dt).expand(1, bsz, e)])
        attn_mask = None if attn_mask is None else _pad_last(attn_mask)
        key_padding_mask = None if key_padding_mask is None else _pad_last(key_padding_mask)
    elif bias_k is not None or bias_v is not None:
        raise ValueError("The bias_k and bias_v should be ``None``at the same time.")

    q = q.reshape(tgt_len, bsz * num_heads, head_dim).transpose(0, 1)
    k = k.reshape(k.shape[0], bsz * num_heads, head_dim).transpose(0, 1)
    v = v.reshape(v.shape[0], bsz * num_heads, head_dim).transpose(0, 1)
    if add_zero_attn:
        zeros = k.new_zeros(bsz * num_heads, 1, head_dim)
        k = torch.cat([k, zeros], dim=1)
        v = torch.cat([v, zeros], dim=1)
        attn_mask = None if attn_mask is None else _pad_last(attn_mask)
        key_padding_mask = None if key_padding_mask is None else _pad_last(key_padding_mask)
    src_len = k.shape[1]

    if key_padding_mask is not None:
        if tuple(key_padding_mask.shape) != (bsz, src_len):
            raise ValueError(f"The shape of `key_padding_mask` should be {(bsz, src_len)}, but got "
                             f"{tuple(key_padding_mask.shape)}.")
        key_padding_mask = key_padding_mask.view(bsz, 1, 1, src_len).expand(bsz, num_heads, 1, src_len) \
            .reshape(bsz * num_heads, 1, src_len)
        if attn_mask is None:
            attn_mask = key_padding_mask
        elif attn_mask.dtype is torch.bool:
            attn_mask = attn_mask.logical_or(key_padding_mask)
        else:
            attn_mask = attn_mask + key_padding_mask  # a bool padding mask adds 0/1 here, as in MindSpore
    if attn_mask is not None and attn_mask.dtype is torch.bool:
        attn_mask = torch.zeros(attn_mask.shape, dtype=dt, device=attn_mask.device).masked_fill_(
            attn_mask, float("-inf"))
    if attn_mask is not None:
        attn_mask = attn_mask.unsqueeze(0) if attn_mask.shape[0] == 1 else \
            attn_mask.view(bsz, num_heads, -1, src_len)

    q = q.reshape(bsz, num_heads, tgt_len, head_dim)
    k = k.reshape(bsz, num_heads, src_len, head_dim)
    v = v.reshape(bsz, num_heads, src_len, head_dim)
    p = dropout_p if training and 0.0 < dropout_p <= 1.0 else 0.0
    weights = None
    if not need_weights and attn_mask is None:
        out = F.scaled_dot_product_attention(q, k, v, dropout_p=p)
    else:
        # MindSpore divides q and k each by head_dim ** 0.25 before the product.
        scale = math.sqrt(math.sqrt(head_dim))
        attn = torch.matmul(q / scale, (k / scale).transpose(-2, -1))
        if attn_mask is not None:
            attn = attn + attn_mask
        attn = torch.softmax(attn, dim=-1)
        if p:
            attn = F.dropout(attn, p, True)
        out = torch.matmul(attn, v)
        weights = attn.mean(dim=1) if average_attn_weights else attn
    out = out.permute(2, 0, 1, 3).reshape(bsz * tgt_len, e)
    out = F.linear(out, as_dtype(out_proj_weight, dt), as_dtype(out_proj_bias, dt)).view(tgt_len, bsz, -1)
    if not is_batched:
        out = out.squeeze(1)
        weights = None if weights is None else weights.squeeze(0)
    return out, weights


# ---------------------------------------------------------------------------------------------- cells
class MultiheadAttention(Cell):
    """``MultiheadAttention(embed_dim, num_heads, dropout=0.0, has_bias=True, add_bias_kv=False,
    add_zero_attn=False, kdim=None, vdim=None, batch_first=False, dtype=mstype.float32)``;
    ``construct(query, key, value, key_padding_mask=None, need_weights=True, attn_mask=None,
    average_attn_weights=True)`` returns ``(output, weights)`` or ``(output,)``."""

    _builtin_layer = True

    def __init__(self, embed_dim, num_heads, dropout=0.0, has_bias=True, add_bias_kv=False, add_zero_attn=False,
                 kdim=None, vdim=None, batch_first=False, dtype=mstype.float32):
        super().__init__()
        self.embed_dim = embed_dim
        self.kdim = kdim if kdim is not None else embed_dim
        self.vdim = vdim if vdim is not None else embed_dim
        self._qkv_same_embed_dim = self.kdim == embed_dim and self.vdim == embed_dim
        self.num_heads = num_heads
        self.dropout = dropout
        self.batch_first = batch_first
        self.head_dim = embed_dim // num_heads
        if self.head_dim * num_heads != self.embed_dim:
            raise ValueError("The init argument 'embed_dim' must be divisible by 'num_heads'.")
        if dtype is None:
            dtype = mstype.float32
        if not self._qkv_same_embed_dim:
            self.q_proj_weight = Parameter(initializer(XavierUniform(), (embed_dim, embed_dim), dtype), "q_proj_weight")
            self.k_proj_weight = Parameter(initializer(XavierUniform(), (embed_dim, self.kdim), dtype), "k_proj_weight")
            self.v_proj_weight = Parameter(initializer(XavierUniform(), (embed_dim, self.vdim), dtype), "v_proj_weight")
            self.in_proj_weight = None
        else:
            self.in_proj_weight = Parameter(initializer(XavierUniform(), (3 * embed_dim, embed_dim), dtype),
                                            "in_proj_weight")
            self.q_proj_weight = None
            self.k_proj_weight = None
            self.v_proj_weight = None
        if has_bias:
            self.in_proj_bias = Parameter(initializer("zeros", (3 * embed_dim,), dtype), "in_proj_bias")
        else:
            self.in_proj_bias = None
        bound = 1 / math.sqrt(embed_dim)
        self.out_proj = Dense(embed_dim, embed_dim, has_bias=has_bias, weight_init=HeUniform(math.sqrt(5)),
                              bias_init=Uniform(bound), dtype=dtype)
        if add_bias_kv:
            self.bias_k = Parameter(initializer(XavierNormal(), (1, 1, embed_dim), dtype), "bias_k")
            self.bias_v = Parameter(initializer(XavierNormal(), (1, 1, embed_dim), dtype), "bias_v")
        else:
            self.bias_k = self.bias_v = None
        self.add_zero_attn = add_zero_attn
        self.dtype = dtype

    def construct(self, query: Tensor, key: Tensor, value: Tensor, key_padding_mask: Optional[Tensor] = None,
                  need_weights: bool = True, attn_mask: Optional[Tensor] = None, average_attn_weights: bool = True):
        q, k, v = query._t, key._t, value._t
        kpm = to_torch(key_padding_mask)
        mask = to_torch(attn_mask)
        if kpm is not None and kpm.dtype is not torch.bool and not kpm.is_floating_point():
            raise ValueError("only bool and floating types of key_padding_mask are supported")
        is_batched = q.dim() == 3
        if self.batch_first and is_batched:
            # keep identity (query is key is value) so self-attention projects with one matmul
            same_kv = k is v
            same_qk = q is k
            k = k.transpose(0, 1)
            v = k if same_kv else v.transpose(0, 1)
            q = k if same_qk else q.transpose(0, 1)
        params = self._parameters
        out_params = self.out_proj._parameters
        out, weights = multi_head_attention_forward(
            q, k, v, self.embed_dim, self.num_heads, params.get("in_proj_weight"), params.get("in_proj_bias"),
            params.get("bias_k"), params.get("bias_v"), self.add_zero_attn, self.dropout, out_params["weight"],
            out_params.get("bias"), training=self.training, key_padding_mask=kpm, attn_mask=mask,
            q_proj_weight=params.get("q_proj_weight"), k_proj_weight=params.get("k_proj_weight"),
            v_proj_weight=params.get("v_proj_weight"), average_attn_weights=average_attn_weights,
            need_weights=need_weights)
        if self.batch_first and is_batched:
            out = out.transpose(0, 1)
        if need_weights:
            return wrap(out), wrap(weights)
        return (wrap(out),)


def _relu(x):
    return wrap(torch.relu(x._t))


def _gelu(x):
    return wrap(F.gelu(x._t))


def _ops_activation(name: str):
    """``msshim.ops.relu``/``gelu`` when the ops package defines them, else msshim's own equivalents."""
    import msshim.ops as ops

    return getattr(ops, name, None) or {"relu": _relu, "gelu": _gelu}[name]


def _get_activation_fn(activation: str):
    if activation == "relu":
        return _ops_activation("relu")
    if activation == "gelu":
        return _ops_activation("gelu")
    raise ValueError(f"The activation must be relu/gelu, but get {activation}")


def _check_activation(activation) -> None:
    """MindSpore's checks, including the one that makes ``nn.ReLU()``/``nn.GELU()`` instances fail."""
    from msshim.nn.layer.activation import GELU, ReLU

    if not isinstance(activation, str) and not isinstance(activation, Cell) and not callable(activation):
        raise ValueError(f"The argument 'activation' must be str, callable or Cell instance, but get {activation}.")
    if isinstance(activation, Cell) and not isinstance(activation, (ReLU, GELU)):
        raise ValueError(f"The argument 'activation' must be nn.ReLU or nn.GELU instance, but get {activation}.")
    allowed = (_ops_activation("relu"), _ops_activation("gelu"), _relu, _gelu)
    if callable(activation) and all(activation is not fn for fn in allowed):
        raise ValueError(f"The argument 'activation' must be ops.relu or ops.gelu instance, but get {activation}.")


def _check_kpm(mask) -> None:
    if mask is not None:
        t = to_torch(mask)
        if t.dtype is not torch.bool and not t.is_floating_point():
            raise AssertionError("only bool and floating types of key_padding_mask are supported")


def _ffn_dense(d_in: int, d_out: int, dtype) -> Dense:
    return Dense(d_in, d_out, weight_init=HeUniform(math.sqrt(5)), bias_init=Uniform(1 / math.sqrt(d_in)),
                 dtype=dtype)


class _LayerBase(Cell):
    """Settings and feed-forward block shared by the encoder and decoder layers."""

    def _setup(self, d_model, nhead, dim_feedforward, dropout, activation, layer_norm_eps, batch_first,
               norm_first, dtype, num_norms: int) -> None:
        from msshim.nn.layer.normalization import LayerNorm

        self.dense1 = _ffn_dense(d_model, dim_feedforward, dtype)
        self.dropout = Dropout(p=dropout)
        self.dense2 = _ffn_dense(dim_feedforward, d_model, dtype)
        self.norm_first = norm_first
        for i in range(1, num_norms + 1):
            setattr(self, f"norm{i}", LayerNorm((d_model,), epsilon=layer_norm_eps, dtype=dtype))
        for i in range(1, num_norms + 1):
            setattr(self, f"dropout{i}", Dropout(p=dropout))
        self.activation1 = activation
        _check_activation(activation)
        self.activation = _get_activation_fn(activation) if isinstance(activation, str) else activation
        self.d_model = d_model
        self.nhead = nhead
        self.dim_feedforward = dim_feedforward
        self.dropout_num = dropout
        self.layernorm_eps = layer_norm_eps
        self.batch_first = batch_first
        self.dtype = dtype

    def _ff_block(self, x, last_dropout):
        return last_dropout(self.dense2(self.dropout(self.activation(self.dense1(x)))))


class TransformerEncoderLayer(_LayerBase):
    """``TransformerEncoderLayer(d_model, nhead, dim_feedforward=2048, dropout=0.1, activation='relu',
    layer_norm_eps=1e-5, batch_first=False, norm_first=False, dtype=mstype.float32)``;
    ``construct(src, src_mask=None, src_key_padding_mask=None)``."""

    def __init__(self, d_model: int, nhead: int, dim_feedforward: int = 2048, dropout: float = 0.1,
                 activation: Union[str, Cell, callable] = "relu", layer_norm_eps: float = 1e-5,
                 batch_first: bool = False, norm_first: bool = False, dtype=mstype.float32):
        super().__init__()
        self.self_attn = MultiheadAttention(d_model, nhead, dropout=dropout, batch_first=batch_first, dtype=dtype)
        self._setup(d_model, nhead, dim_feedforward, dropout, activation, layer_norm_eps, batch_first, norm_first,
                    dtype, num_norms=2)

    def _sa_block(self, x, attn_mask, key_padding_mask):
        x = self.self_attn(x, x, x, attn_mask=attn_mask, key_padding_mask=key_padding_mask, need_weights=False)[0]
        return self.dropout1(x)

    def construct(self, src: Tensor, src_mask: Optional[Tensor] = None,
                  src_key_padding_mask: Optional[Tensor] = None):
        _check_kpm(src_key_padding_mask)
        x = src
        if self.norm_first:
            x = x + self._sa_block(self.norm1(x), src_mask, src_key_padding_mask)
            return x + self._ff_block(self.norm2(x), self.dropout2)
        x = self.norm1(x + self._sa_block(x, src_mask, src_key_padding_mask))
        return self.norm2(x + self._ff_block(x, self.dropout2))


class TransformerDecoderLayer(_LayerBase):
    """``TransformerDecoderLayer(d_model, nhead, dim_feedforward=2048, dropout=0.1, activation='relu',
    layer_norm_eps=1e-5, batch_first=False, norm_first=False, dtype=mstype.float32)``; ``construct(tgt, memory,
    tgt_mask=None, memory_mask=None, tgt_key_padding_mask=None, memory_key_padding_mask=None)``."""

    def __init__(self, d_model: int, nhead: int, dim_feedforward: int = 2048, dropout: float = 0.1,
                 activation: Union[str, Cell, callable] = "relu", layer_norm_eps: float = 1e-5,
                 batch_first: bool = False, norm_first: bool = False, dtype=mstype.float32):
        super().__init__()
        self.self_attn = MultiheadAttention(d_model, nhead, dropout=dropout, batch_first=batch_first, dtype=dtype)
        self.multihead_attn = MultiheadAttention(d_model, nhead, dropout=dropout, batch_first=batch_first,
                                                 dtype=dtype)
        self._setup(d_model, nhead, dim_feedforward, dropout, activation, layer_norm_eps, batch_first, norm_first,
                    dtype, num_norms=3)

    def _sa_block(self, x, attn_mask, key_padding_mask):
        x = self.self_attn(x, x, x, attn_mask=attn_mask, key_padding_mask=key_padding_mask, need_weights=False)[0]
        return self.dropout1(x)

    def _mha_block(self, x, mem, attn_mask, key_padding_mask):
        x = self.multihead_attn(x, mem, mem, attn_mask=attn_mask, key_padding_mask=key_padding_mask,
                                need_weights=False)[0]
        return self.dropout2(x)

    def construct(self, tgt: Tensor, memory: Tensor, tgt_mask: Optional[Tensor] = None,
                  memory_mask: Optional[Tensor] = None, tgt_key_padding_mask: Optional[Tensor] = None,
                  memory_key_padding_mask: Optional[Tensor] = None):
        x = tgt
        if self.norm_first:
            x = x + self._sa_block(self.norm1(x), tgt_mask, tgt_key_padding_mask)
            x = x + self._mha_block(self.norm2(x), memory, memory_mask, memory_key_padding_mask)
            return x + self._ff_block(self.norm3(x), self.dropout3)
        x = self.norm1(x + self._sa_block(x, tgt_mask, tgt_key_padding_mask))
        x = self.norm2(x + self._mha_block(x, memory, memory_mask, memory_key_padding_mask))
        return self.norm3(x + self._ff_block(x, self.dropout3))


def _layer_copies(layer_cls, layer, num_layers: int) -> CellList:
    """MindSpore's stacking: a fresh layer with ``layer``'s settings, deep-copied ``num_layers`` times."""
    fresh = layer_cls(layer.d_model, layer.nhead, layer.dim_feedforward, layer.dropout_num, layer.activation1,
                      layer.layernorm_eps, layer.batch_first, layer.norm_first, dtype=layer.dtype)
    return CellList([copy.deepcopy(fresh) for _ in range(num_layers)])


class TransformerEncoder(Cell):
    """``TransformerEncoder(encoder_layer, num_layers, norm=None)``; ``construct(src, src_mask=None,
    src_key_padding_mask=None)``."""

    def __init__(self, encoder_layer, num_layers, norm=None):
        super().__init__()
        self.layers = _layer_copies(TransformerEncoderLayer, encoder_layer, num_layers)
        self.num_layers = num_layers
        self.norm = norm

    def construct(self, src: Tensor, src_mask: Optional[Tensor] = None,
                  src_key_padding_mask: Optional[Tensor] = None):
        _check_kpm(src_key_padding_mask)
        output = src
        for mod in self.layers:
            output = mod(output, src_mask=src_mask, src_key_padding_mask=src_key_padding_mask)
        if self.norm is not None:
            output = self.norm(output)
        return output


class TransformerDecoder(Cell):
    """``TransformerDecoder(decoder_layer, num_layers, norm=None)``; ``construct(tgt, memory, tgt_mask=None,
    memory_mask=None, tgt_key_padding_mask=None, memory_key_padding_mask=None)``."""

    def __init__(self, decoder_layer, num_layers, norm=None):
        super().__init__()
        self.layers = _layer_copies(TransformerDecoderLayer, decoder_layer, num_layers)
        self.num_layers = num_layers
        self.norm = norm

    def construct(self, tgt: Tensor, memory: Tensor, tgt_mask: Optional[Tensor] = None,
                  memory_mask: Optional[Tensor] = None, tgt_key_padding_mask: Optional[Tensor] = None,
                  memory_key_padding_mask: Optional[Tensor] = None):
        output = tgt
        for mod in self.layers:
            output = mod(output, memory, tgt_mask=tgt_mask, memory_mask=memory_mask,
                         tgt_key_padding_mask=tgt_key_padding_mask, memory_key_padding_mask=memory_key_padding_mask)
        if self.norm is not None:
            output = self.norm(output)
        return output


class Transformer(Cell):
    """``Transformer(d_model=512, nhead=8, num_encoder_layers=6, num_decoder_layers=6, dim_feedforward=2048,
    dropout=0.1, activation='relu', custom_encoder=None, custom_decoder=None, layer_norm_eps=1e-5,
    batch_first=False, norm_first=False, dtype=mstype.float32)``: every parameter with more than one dimension
    is re-drawn with ``xavier_uniform`` after construction."""

    def __init__(self, d_model: int = 512, nhead: int = 8, num_encoder_layers: int = 6,
                 num_decoder_layers: int = 6, dim_feedforward: int = 2048, dropout: float = 0.1,
                 activation: Union[str, Cell, callable] = "relu", custom_encoder: Optional[Cell] = None,
                 custom_decoder: Optional[Cell] = None, layer_norm_eps: float = 1e-5,
                 batch_first: bool = False, norm_first: bool = False, dtype=mstype.float32):
        from msshim.nn.layer.normalization import LayerNorm

        super().__init__()
        if custom_encoder is not None:
            self.encoder = custom_encoder
        else:
            layer = TransformerEncoderLayer(d_model, nhead, dim_feedforward, dropout, activation, layer_norm_eps,
                                            batch_first, norm_first, dtype=dtype)
            self.encoder = TransformerEncoder(layer, num_encoder_layers,
                                              LayerNorm((d_model,), epsilon=layer_norm_eps, dtype=dtype))
        if custom_decoder is not None:
            self.decoder = custom_decoder
        else:
            layer = TransformerDecoderLayer(d_model, nhead, dim_feedforward, dropout, activation, layer_norm_eps,
                                            batch_first, norm_first, dtype=dtype)
            self.decoder = TransformerDecoder(layer, num_decoder_layers,
                                              LayerNorm((d_model,), epsilon=layer_norm_eps, dtype=dtype))
        for _, p in self.parameters_and_names():
            if p.ndim > 1:
                p.set_data(initializer("xavier_uniform", p.shape, p.dtype))
        self.d_model = d_model
        self.nhead = nhead
        self.batch_first = batch_first

    def construct(self, src: Tensor, tgt: Tensor, src_mask: Optional[Tensor] = None, tgt_mask: Optional[Tensor] = None,
                  memory_mask: Optional[Tensor] = None, src_key_padding_mask: Optional[Tensor] = None,
                  tgt_key_padding_mask: Optional[Tensor] = None, memory_key_padding_mask: Optional[Tensor] = None):
        if src.shape[-1] != self.d_model or tgt.shape[-1] != self.d_model:
            raise ValueError("The number of features for 'src' and 'tgt' must be equal to `d_model`.")
        memory = self.encoder(src, src_mask=src_mask, src_key_padding_mask=src_key_padding_mask)
        return self.decoder(tgt, memory, tgt_mask=tgt_mask, memory_mask=memory_mask,
                            tgt_key_padding_mask=tgt_key_padding_mask,
                            memory_key_padding_mask=memory_key_padding_mask)
