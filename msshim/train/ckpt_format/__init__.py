"""Framework-free MindSpore 2.10 checkpoint files: ``.ckpt`` (protobuf, optional crc footer and encryption)
and ``.safetensors``.  numpy + ml_dtypes (+ ``cryptography`` for enc/dec, ``safetensors`` for writing
safetensors); no torch, so converters and tools can use it alone.  ``msshim.train.serialization`` builds
MindSpore's ``save_checkpoint`` / ``load_checkpoint`` on top of this.

Values are numpy arrays (bfloat16 = ``ml_dtypes.bfloat16``, qint4x2 = :data:`dtypes.QINT4X2`), Python ``str``
(append_dict strings) or, for MapParameter entries, ``[keys, values, status]`` lists of arrays.
"""
from .dtypes import QINT4X2, numpy_dtype, tensor_type_of
from .errors import (CheckpointCorruptError, CheckpointCrcError, CheckpointDecryptError, CheckpointEntryError,
                     CheckpointFormatError, CheckpointNeedsKeyError, CheckpointTypeError, SafetensorsFormatError)
from .reader import CheckpointEntries, read_checkpoint
from .safetensors_io import read_safetensors, safetensors_crc, write_safetensors
from .writer import SLICE_BYTES, RawTensor, serialize_checkpoint, write_checkpoint
from .crypto import cipher_magic_mode
from .atomic import tmp_name_for

__all__ = ["read_checkpoint", "write_checkpoint", "serialize_checkpoint", "read_safetensors", "write_safetensors",
           "safetensors_crc", "CheckpointEntries", "RawTensor", "SLICE_BYTES", "QINT4X2", "numpy_dtype",
           "tensor_type_of", "cipher_magic_mode", "tmp_name_for",
           "CheckpointFormatError", "CheckpointCorruptError", "CheckpointNeedsKeyError", "CheckpointCrcError",
           "CheckpointDecryptError", "CheckpointEntryError", "CheckpointTypeError", "SafetensorsFormatError"]
