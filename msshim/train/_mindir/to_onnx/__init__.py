"""MindIR -> ONNX translation (what ``nn.GraphCell`` runs on onnxruntime and ``msshim convert`` writes).

``to_onnx(model_proto)`` is the entry point; ``TRANSLATORS`` is the primitive table (one translator per
MindSpore primitive, registered per family in ops_plumbing / ops_math / ops_nn / ops_array).
"""
from .registry import TRANSLATORS, TranslateError
from .translate import UnsupportedPrimitivesError, primitives_used, to_onnx

__all__ = ["to_onnx", "TRANSLATORS", "TranslateError", "UnsupportedPrimitivesError", "primitives_used"]
