"""Graph-model conversions and inspection: MindIR <-> ONNX (``msshim convert a.mindir b.onnx`` and back) and
``msshim inspect model.mindir``.

* MindIR -> ONNX: msshim's MindIR reader (MindSpore's load checks, decryption, split external data) and the
  MindIR -> ONNX primitive translation ``nn.GraphCell`` runs on onnxruntime.
* ONNX -> MindIR: ``from_onnx`` (MindSpore primitives, initializers as parameters under their names) and the
  MindSpore-layout writer (encryption, split above 1 GiB); the result loads in real MindSpore 2.10.
"""
from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

__all__ = ["GRAPH_FORMATS", "graph_format", "mindir_to_onnx", "onnx_to_mindir", "MindIRInspection",
           "inspect_mindir", "format_mindir_inspection"]

GRAPH_FORMATS = {".mindir": "mindir", ".onnx": "onnx"}
ONNX_LIMIT = 2 * 1024 ** 3 - 1  # protobuf's message limit


def graph_format(path) -> str | None:
    return GRAPH_FORMATS.get(os.path.splitext(os.fspath(path))[1].lower())


def _read_mindir(src: str, dec_key: bytes | None, dec_mode: str):
    from msshim.train._mindir.reader import read_model

    return read_model(src, dec_key=dec_key, dec_mode=dec_mode)


def mindir_to_onnx(src, dst, *, dec_key: bytes | None = None, dec_mode: str = "AES-GCM", float32: bool = False):
    """Write MindIR ``src`` as the ONNX model ``dst``; returns the ONNX ModelProto.

    Dtypes are kept (a bfloat16 MindIR gives a bfloat16 ONNX model, which onnxruntime's CPU provider cannot
    run); ``float32`` computes float16/bfloat16/float64 graphs in float32 instead, as ``nn.GraphCell`` does."""
    from msshim.onnx.onnx_export import save_onnx
    from msshim.train._mindir.to_onnx import to_onnx
    from msshim.train._mindir.to_onnx.lower_float import lower_to_float32

    src, dst = os.fspath(src), os.fspath(dst)
    model = to_onnx(_read_mindir(src, dec_key, dec_mode))
    if float32:
        model = lower_to_float32(model)[0]
    dst = os.path.abspath(dst)
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    save_onnx(model, dst, external=model.ByteSize() > ONNX_LIMIT)
    return model


def onnx_to_mindir(src, dst, *, enc_key: bytes | None = None, enc_mode: str = "AES-GCM",
                   graph_name: str | None = None) -> list[str]:
    """Write ONNX ``src`` as MindIR ``dst`` (MindSpore's writer: ".mindir" appended when missing, split above
    1 GiB); returns the paths written."""
    import onnx
    from google.protobuf.message import DecodeError

    from msshim.train._mindir.from_onnx import from_onnx
    from msshim.train._mindir.writer import write_model

    src, dst = os.fspath(src), os.fspath(dst)
    if not os.path.isfile(src):
        raise ValueError(f"The ONNX file '{src}' does not exist.")
    try:
        model = onnx.load(src)
    except (DecodeError, ValueError, RuntimeError, OSError, onnx.checker.ValidationError) as e:
        raise ValueError(f"'{src}' is not a readable ONNX model: {str(e).strip() or type(e).__name__}") from None
    if not model.graph.node and not model.graph.output:
        raise ValueError(f"'{src}' is not a readable ONNX model: it has no graph.")
    return write_model(from_onnx(model, graph_name), dst, enc_key=enc_key, enc_mode=enc_mode)


# ----------------------------------------------------------------------------------------------- inspect
@dataclass(frozen=True)
class TensorInfo:
    """``dtype`` is MindSpore's name ("Float32"); ``nbytes`` 0 for inputs/outputs."""
    name: str
    shape: tuple[int, ...]
    dtype: str
    nbytes: int = 0


@dataclass
class MindIRInspection:
    path: str
    graph_name: str
    producer: str
    mind_ir_version: int
    encrypted: str | None
    inputs: list[TensorInfo]
    outputs: list[TensorInfo]
    primitives: Counter
    parameters: list[TensorInfo]
    external_files: list[str] = field(default_factory=list)
    user_info: dict = field(default_factory=dict)
    file_bytes: int = 0

    @property
    def parameter_bytes(self) -> int:
        return sum(p.nbytes for p in self.parameters)

    @property
    def parameter_elements(self) -> int:
        return sum(int(np.prod(p.shape, dtype=np.int64)) for p in self.parameters)


def _dtype_name(code: int) -> str:
    from msshim.train._mindir.dtypes import numpy_dtype
    from msshim.train.ckpt_format import tensor_type_of

    try:
        return tensor_type_of(numpy_dtype(code))
    except (TypeError, ValueError):
        return f"code{code}"


def _output_infos(model) -> list[TensorInfo]:
    from msshim.train._mindir.to_onnx.values import short_name

    graph = model.graph
    out = []
    for value in graph.output:
        name = short_name(value.name, graph.name)
        if value.tensor:
            t = value.tensor[0]
            out.append(TensorInfo(name, tuple(t.dims), _dtype_name(t.data_type)))
            continue
        for i, item in enumerate(value.attr_info.values):  # tuple output (MakeTuple + attr_info)
            for t in item.tensors:
                out.append(TensorInfo(f"{name}[{i}]", tuple(t.dims), _dtype_name(t.data_type)))
    return out


def inspect_mindir(path, *, dec_key: bytes | None = None, dec_mode: str = "AES-GCM") -> MindIRInspection:
    """Inputs, outputs, primitives (with use counts) and parameters of a MindIR file."""
    from msshim.train._mindir.to_onnx.translate import resolve_primitive
    from msshim.train._mindir.to_onnx.values import short_name
    from msshim.train.ckpt_format.crypto import cipher_magic_mode

    path = os.fspath(path)
    model = _read_mindir(path, dec_key, dec_mode)
    with open(path, "rb") as f:
        head = f.read(4)
    encrypted = None
    if cipher_magic_mode(head) is not None:
        encrypted = dec_mode if isinstance(dec_mode, str) else "custom"
    graph = model.graph
    table = {p.name: p for p in model.primitives}
    primitives = Counter(resolve_primitive(n.op_type, table)[0] for n in graph.node if n.op_type != "Constant")
    inputs = [TensorInfo(short_name(v.name, graph.name), tuple(v.tensor[0].dims) if v.tensor else (),
                         _dtype_name(v.tensor[0].data_type) if v.tensor else "-") for v in graph.input]
    params, external = [], []
    for p in graph.parameter:
        params.append(TensorInfo(p.ref_key or short_name(p.name, graph.name), tuple(p.dims), _dtype_name(p.data_type),
                                 len(p.raw_data)))
        if p.HasField("external_data") and p.external_data.location not in external:
            external.append(p.external_data.location)
    return MindIRInspection(path, graph.name, f"{model.producer_name} {model.model_version}".strip(),
                            model.mind_ir_version, encrypted, inputs, _output_infos(model), primitives, params,
                            external, dict(model.user_info), os.path.getsize(path))


def _table(head: tuple, rows: list[tuple]) -> list[str]:
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(head)]
    return ["  " + "  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in [head, *rows]]


def _shape(shape: tuple) -> str:
    return "x".join(map(str, shape)) if shape else "()"


def format_mindir_inspection(ins: MindIRInspection) -> str:
    """The text ``msshim inspect model.mindir`` prints."""
    lines = [f"{ins.path}: MindIR (producer {ins.producer}, mind_ir_version {ins.mind_ir_version}), "
             f"graph {ins.graph_name}, file {ins.file_bytes} bytes"]
    if ins.encrypted:
        lines.append(f"encrypted: {ins.encrypted}")
    if ins.external_files:
        lines.append(f"external data: {', '.join(ins.external_files)}")
    if ins.user_info:
        lines.append("user info: " + ", ".join(f"{k}={v}" for k, v in sorted(ins.user_info.items())))
    lines.append(f"inputs ({len(ins.inputs)}):")
    lines += _table(("name", "shape", "dtype"), [(t.name, _shape(t.shape), t.dtype) for t in ins.inputs])
    lines.append(f"outputs ({len(ins.outputs)}):")
    lines += _table(("name", "shape", "dtype"), [(t.name, _shape(t.shape), t.dtype) for t in ins.outputs])
    lines.append(f"primitives ({sum(ins.primitives.values())} nodes, {len(ins.primitives)} kinds):")
    lines += _table(("primitive", "count"), [(k, str(v)) for k, v in sorted(ins.primitives.items())])
    lines.append(f"parameters ({len(ins.parameters)}):")
    lines += _table(("name", "shape", "dtype", "bytes"),
                    [(p.name, _shape(p.shape), p.dtype, str(p.nbytes)) for p in ins.parameters])
    lines.append(f"total: {len(ins.parameters)} parameters, {ins.parameter_elements} elements, "
                 f"{ins.parameter_bytes} bytes")
    return "\n".join(lines)


def inspection_json(ins: MindIRInspection) -> dict:
    def tensors(items):
        return [{"name": t.name, "shape": list(t.shape), "dtype": t.dtype} for t in items]

    return {"path": ins.path, "format": "mindir", "graph": ins.graph_name, "producer": ins.producer,
            "mind_ir_version": ins.mind_ir_version, "encrypted": ins.encrypted, "external_data": ins.external_files,
            "user_info": ins.user_info, "inputs": tensors(ins.inputs), "outputs": tensors(ins.outputs),
            "primitives": dict(sorted(ins.primitives.items())),
            "parameters": [{"name": p.name, "shape": list(p.shape), "dtype": p.dtype, "bytes": p.nbytes}
                           for p in ins.parameters],
            "parameter_bytes": ins.parameter_bytes, "file_bytes": ins.file_bytes}
