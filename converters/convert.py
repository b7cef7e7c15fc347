"""The conversion pipeline: open the source lazily -> plan names (converters.plan) -> per output tensor, take
the memory-mapped source view, reshape then transpose (materialised per tensor), write it, release its pages.

Dtypes are carried bit-exactly (bfloat16 as raw bits, never through another float type).  Families: ``.ckpt``
and ``{"format": "ms"}`` safetensors carry MindSpore names, ``.pt`` and other safetensors torch names; a
``.safetensors`` output takes the source's family.  Names are planned only across families."""
from __future__ import annotations

import os
import sys
from typing import Any, Iterator

import numpy as np

from .io import Extra, Source, format_of, open_source
from .io.release import release
from .optim_state import is_optimizer_state
from .plan import Step, plan

__all__ = ["convert", "PROGRESS_BYTES"]

PROGRESS_BYTES = 100 * 1000 * 1000
_FAMILY = {"ckpt": "ms", "pt": "torch"}


def convert(src: str | os.PathLike, dst: str | os.PathLike, *, keep_names: bool = False, model=None, cell=None,
            rules=None, weights_only: bool = False, progress: bool | None = None, dec_key: bytes | None = None,
            dec_mode: str = "AES-GCM", enc_key: bytes | None = None, enc_mode: str = "AES-GCM") -> list[Step]:
    """Convert checkpoint ``src`` into ``dst`` (formats from the extensions); returns the steps applied.

    ``model``: a ``torch.nn.Module`` whose module types / state_dict decide torch names; ``cell``: an msshim
    Cell whose layer types decide; ``rules``: a builtin rule-set name, a JSON file or a list of rules.
    ``weights_only`` drops MindSpore optimizer state.  ``progress``: a tqdm bar on stderr (default: for
    sources over 100 MB).  ``dec_key``/``enc_key``: decrypt a ``.ckpt`` source / encrypt a ``.ckpt`` output.
    ``dst`` is written to a temporary file renamed into place: on any error nothing is left at ``dst``.
    """
    src, dst = os.fspath(src), os.fspath(dst)
    out_fmt = format_of(dst)
    if enc_key is not None and out_fmt != "ckpt":
        raise ValueError(f"enc_key only applies to .ckpt outputs, not {dst!r}.")
    if os.path.abspath(src) == os.path.abspath(dst):
        raise ValueError(f"convert: source and destination are the same file {src!r}.")
    source = open_source(src, dec_key=dec_key, dec_mode=dec_mode)
    out_family = _FAMILY.get(out_fmt, source.family)
    steps = _plan(source, out_family, keep_names=keep_names, model=model, cell=cell, rules=rules,
                  weights_only=weights_only)
    extras = {k: v for k, v in source.extras().items() if not (weights_only and is_optimizer_state(k))}
    order = _ordered(source, steps, extras)
    total = sum(source.items[s.src].nbytes for s in steps)
    show = os.path.getsize(src) > PROGRESS_BYTES if progress is None else progress
    bar = _bar(total, show, os.path.basename(dst))
    try:
        _write(dst, out_fmt, out_family, source, order, bar, enc_key=enc_key, enc_mode=enc_mode)
    finally:
        if bar is not None:
            bar.close()
    return steps


def _plan(source: Source, out_family: str, *, keep_names, model, cell, rules, weights_only) -> list[Step]:
    entries = source.entries()
    drop = (lambda e: is_optimizer_state(e.name),) if weights_only else ()
    if source.family == out_family:
        return [Step(e.name, e.name) for e in entries if not (weights_only and is_optimizer_state(e.name))]
    direction = "ms_to_torch" if source.family == "ms" else "torch_to_ms"
    return plan(entries, direction, keep_names=keep_names, cell=cell, torch_model=model, rules=rules, drop=drop)


def _ordered(source: Source, steps: list[Step], extras: dict[str, Extra]) -> list[tuple[str, Any]]:
    """Output ``(name, Step | Extra)`` in source order (so ckpt -> pt -> ckpt keeps the file's order)."""
    by_src: dict[str, list[Step]] = {}
    for s in steps:
        by_src.setdefault(s.src, []).append(s)
    out: list[tuple[str, Any]] = []
    for name in source.items:
        if name in extras:
            out.append((name, extras[name]))
        for s in by_src.get(name, ()):
            out.append((s.dst, s))
    return out


def _shape(source: Source, step: Step) -> tuple[int, ...]:
    shape = step.reshape if step.reshape is not None else source.items[step.src].shape
    if step.transpose is not None:
        shape = tuple(shape[i] for i in step.transpose)
    return tuple(int(d) for d in shape)


def _tensor(source: Source, step: Step) -> np.ndarray:
    arr = source.items[step.src]
    if step.reshape is not None:
        arr = arr.reshape(step.reshape)
    if step.transpose is not None:
        arr = np.ascontiguousarray(arr.transpose(step.transpose))
    return arr


def _arrays(source: Source, order, bar) -> Iterator[tuple[str, np.ndarray]]:
    """Each output tensor in turn; once the consumer asks for the next one, the previous one was written and
    its source pages are released."""
    for name, item in order:
        if isinstance(item, Step):
            arr = _tensor(source, item)
            if bar is not None:
                bar.update(source.items[item.src].nbytes)
            yield name, arr
            release(source.items[item.src], source.mappings)


def _write(dst: str, fmt: str, family: str, source: Source, order, bar, *, enc_key, enc_mode) -> None:
    if fmt == "ckpt":
        from .io.ckpt import write_ckpt
        write_ckpt(dst, _ckpt_items(source, order, bar), enc_key=enc_key, enc_mode=enc_mode)
    elif fmt == "pt":
        from .io.torch_pt import write_pt
        specs = [(n, it if isinstance(it, Extra) else (_shape(source, it), _dtype(source, it))) for n, it in order]
        write_pt(dst, specs, _arrays(source, order, bar))
    else:
        from .io.safetensors import scalar_array, write_st
        tensors, skipped = [], []
        for n, it in order:
            if isinstance(it, Extra):
                arr = scalar_array(n, it)
                if arr is None:
                    skipped.append(n)
                    continue
                it = Step(n, n)
                source = _with(source, n, arr)
            tensors.append((n, it))
        if skipped:
            import warnings
            warnings.warn(f"{dst}: safetensors holds tensors only; dropped {skipped}", stacklevel=3)
        specs = [(n, _shape(source, s), _dtype(source, s)) for n, s in tensors]
        write_st(dst, specs, _arrays(source, tensors, bar), family=family)


def _with(source: Source, name: str, arr: np.ndarray) -> Source:
    items = dict(source.items)
    items[name] = arr
    return Source(source.path, source.family, items, source.keep, source.mappings)


def _dtype(source: Source, step: Step) -> str:
    from .io.source import entry_of
    return entry_of(step.src, source.items[step.src]).dtype


def _ckpt_items(source: Source, order, bar):
    arrays = _arrays(source, [(n, it) for n, it in order if isinstance(it, Step)], bar)
    for name, item in order:
        yield (name, item) if isinstance(item, Extra) else next(arrays)
    for _ in arrays:  # release the last tensor's pages, finish the bar
        pass


def _bar(total: int, show: bool, desc: str):
    if not show:
        return None
    from tqdm import tqdm
    return tqdm(total=total, unit="B", unit_scale=True, unit_divisor=1024, desc=desc, file=sys.stderr)
