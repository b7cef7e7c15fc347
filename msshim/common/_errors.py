"""Exception types shared by ops and layers (kept free of msshim imports so any module can use them)."""


class MSRuntimeError(RuntimeError):
    """A RuntimeError MindSpore itself raises (e.g. a channel mismatch in Conv2D).  Being a subclass, it
    passes through ``Cell.forward`` unchanged instead of being re-reported as a shape ValueError."""
