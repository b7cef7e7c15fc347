"""``mindspore.onnx``: ONNX export of a Cell."""
from msshim.onnx.onnx_export import export

__all__ = ["export"]
