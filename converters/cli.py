"""``msshim convert SRC DST`` and ``msshim inspect FILE`` (registered through the ``msshim.commands``
entry-point group)."""
from __future__ import annotations

import argparse
import importlib
import json
import sys

__all__ = ["register_convert", "register_inspect"]


def _key(text: str | None) -> bytes | None:
    return None if text is None else text.encode()


def _factory(spec: str):
    """``package.module:factory`` -> ``factory()`` (a torch.nn.Module or an msshim Cell)."""
    module, sep, attr = spec.partition(":")
    if not sep or not module or not attr:
        raise ValueError(f"--model must be 'package.module:factory', got {spec!r}")
    obj = getattr(importlib.import_module(module), attr)
    return obj() if callable(obj) and not _is_model(obj) else obj


def _is_model(obj) -> bool:
    import torch
    return isinstance(obj, torch.nn.Module)


def _convert_graph(args: argparse.Namespace) -> int:
    """.mindir <-> .onnx (graph models, not checkpoints)."""
    from .mindir import graph_format, mindir_to_onnx, onnx_to_mindir
    pair = (graph_format(args.src), graph_format(args.dst))
    try:
        if pair == ("mindir", "onnx"):
            model = mindir_to_onnx(args.src, args.dst, dec_key=_key(args.dec_key), dec_mode=args.dec_mode,
                                   float32=args.float32)
            written = f"{len(model.graph.node)} ONNX nodes, {len(model.graph.initializer)} initializers"
        elif pair == ("onnx", "mindir"):
            paths = onnx_to_mindir(args.src, args.dst, enc_key=_key(args.enc_key), enc_mode=args.enc_mode)
            written = ", ".join(paths)
        else:
            raise ValueError(f"convert: a graph model converts between .mindir and .onnx, not {args.src!r} -> "
                             f"{args.dst!r}.")
    except (ValueError, TypeError, OSError, RuntimeError) as e:
        print(f"msshim convert: error: {e}", file=sys.stderr)
        return 1
    print(f"wrote {args.dst}: {written}", file=sys.stderr)
    return 0


def _convert(args: argparse.Namespace) -> int:
    from msshim.nn import Cell

    from .mindir import graph_format
    if graph_format(args.src) or graph_format(args.dst):
        return _convert_graph(args)

    from .convert import convert
    model = cell = None
    if args.model:
        built = _factory(args.model)
        if isinstance(built, Cell):
            cell = built
        else:
            model = built
    try:
        steps = convert(args.src, args.dst, keep_names=args.keep_names, model=model, cell=cell, rules=args.rules,
                        weights_only=args.weights_only, progress=False if args.no_progress else None,
                        dec_key=_key(args.dec_key), dec_mode=args.dec_mode, enc_key=_key(args.enc_key),
                        enc_mode=args.enc_mode)
    except (ValueError, TypeError, OSError) as e:
        print(f"msshim convert: error: {e}", file=sys.stderr)
        return 1
    print(f"wrote {args.dst}: {len(steps)} tensors", file=sys.stderr)
    return 0


def _inspect_mindir(args: argparse.Namespace) -> int:
    from .mindir import format_mindir_inspection, inspect_mindir, inspection_json
    try:
        ins = inspect_mindir(args.file, dec_key=_key(args.dec_key), dec_mode=args.dec_mode)
    except (ValueError, TypeError, OSError, RuntimeError) as e:
        print(f"msshim inspect: error: {e}", file=sys.stderr)
        return 1
    print(json.dumps(inspection_json(ins), indent=1) if args.json else format_mindir_inspection(ins))
    return 0


def _inspect(args: argparse.Namespace) -> int:
    from .inspect import format_inspection, inspect
    from .mindir import graph_format
    if graph_format(args.file) == "mindir":
        return _inspect_mindir(args)
    try:
        ins = inspect(args.file, dec_key=_key(args.dec_key), dec_mode=args.dec_mode)
    except (ValueError, TypeError, OSError) as e:
        print(f"msshim inspect: error: {e}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps({"path": ins.path, "format": ins.format, "family": ins.family,
                          "entries": [{"name": e.name, "shape": None if e.shape is None else list(e.shape),
                                       "dtype": e.dtype, "bytes": e.nbytes} for e in ins.entries],
                          "tensors": ins.tensors, "elements": ins.elements, "bytes": ins.nbytes}, indent=1))
    else:
        print(format_inspection(ins))
    return 0


def _dec_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--dec-key", help="key of an encrypted .ckpt or .mindir source (text, used as its UTF-8 bytes)")
    p.add_argument("--dec-mode", default="AES-GCM", choices=["AES-GCM", "AES-CBC", "SM4-CBC"])


def register_convert(subparsers) -> None:
    p = subparsers.add_parser("convert", help="convert a checkpoint between .ckpt, .pt/.pth/.bin and .safetensors, "
                                              "or a model between .mindir and .onnx",
                              description="Formats come from the extensions. Names are mapped between MindSpore "
                                          "and torch conventions unless --keep-names. A .mindir source or "
                                          "destination converts the graph model to/from .onnx (--dec-key / "
                                          "--enc-key for encrypted MindIR).")
    p.add_argument("src")
    p.add_argument("dst")
    p.add_argument("--keep-names", action="store_true", help="keep tensor names as they are")
    p.add_argument("--model", help="package.module:factory building the target torch model or msshim Cell")
    p.add_argument("--rules", help="rule file (JSON) or builtin rule-set name")
    p.add_argument("--weights-only", action="store_true", help="drop MindSpore optimizer state")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    _dec_args(p)
    p.add_argument("--enc-key", help="encrypt the .ckpt or .mindir output with this key (text, its UTF-8 bytes)")
    p.add_argument("--enc-mode", default="AES-GCM", choices=["AES-GCM", "AES-CBC", "SM4-CBC"])
    p.add_argument("--float32", action="store_true",
                   help=".mindir -> .onnx: compute float16/bfloat16/float64 graphs in float32 (onnxruntime's CPU "
                        "provider has no bfloat16 kernels)")
    p.set_defaults(func=_convert)


def register_inspect(subparsers) -> None:
    p = subparsers.add_parser("inspect", help="list a checkpoint's tensors without reading their data, or a MindIR "
                                              "model's inputs, outputs, primitives and parameters")
    p.add_argument("file")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    _dec_args(p)
    p.set_defaults(func=_inspect)
