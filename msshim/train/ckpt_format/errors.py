"""Exceptions raised by the checkpoint format layer.

Every problem with the *content* of a file is a :class:`CheckpointFormatError` (a ``ValueError``) whose
``reason`` says what was wrong; protobuf, struct, index, unicode and numpy errors never escape the
reader.  The MindSpore-facing API maps the subclasses to MindSpore 2.10's messages:

* :class:`CheckpointCorruptError` -> "Failed to read the checkpoint file X. The file may be corrupted,
  and the content cannot be parsed." (what MindSpore says on a protobuf ``DecodeError``);
* :class:`CheckpointCrcError` -> MindSpore wraps its crc ``ValueError`` into "... May not have permission
  to read it, please check the correct of the file.";
* :class:`CheckpointDecryptError` -> "... The file may be encrypted or tempered with, please pass in the
  correct 'dec_key' ..." when ``magic_mode`` is ``"AES-GCM"`` or ``"AES-CBC"`` (MindSpore's
  ``_is_cipher_file`` does not know the SM4 magic), otherwise the "May not have permission" text;
* :class:`CheckpointEntryError` -> ``str(e.detail) + "\\nFor 'load_checkpoint', failed to load the
  checkpoint file X."`` (for an unknown ``tensor_type`` MindSpore's detail is ``"'Uint8'"``, the str of
  its ``KeyError``);
* :class:`SafetensorsFormatError` -> "Fail to parse the input safetensors: 'X'. Please check the
  correctness of the file." (a safetensors crc mismatch is a :class:`CheckpointCrcError`: "For
  'load_checkpoint', the crc check has failed. Please check whether the ckpt file is damaged.").
"""
from __future__ import annotations

__all__ = ["CheckpointFormatError", "CheckpointCorruptError", "CheckpointNeedsKeyError", "CheckpointCrcError",
           "CheckpointDecryptError", "CheckpointEntryError", "CheckpointTypeError", "SafetensorsFormatError"]


class CheckpointFormatError(ValueError):
    """The bytes are not a valid MindSpore checkpoint (base class of everything the reader raises)."""

    def __init__(self, reason: str, *, offset: int | None = None) -> None:
        self.reason = reason
        self.offset = offset  # byte offset in the (decrypted) protobuf body where the problem was seen
        super().__init__(reason if offset is None else f"{reason} (at byte {offset})")


class CheckpointCorruptError(CheckpointFormatError):
    """The protobuf stream cannot be parsed (truncated, garbage, unknown field or wire type, ...)."""


class CheckpointNeedsKeyError(CheckpointCorruptError):
    """The file starts with a cipher magic but no ``dec_key`` was given.

    MindSpore then fails in ``ParseFromString`` and reports the "corrupted" message, hence the base class.
    """

    def __init__(self, magic_mode: str) -> None:
        self.magic_mode = magic_mode
        super().__init__(f"the file is encrypted ({magic_mode} magic) and no dec_key was given")


class CheckpointCrcError(CheckpointFormatError):
    """``crc_check=True`` and the crc32 in the ``crc_num`` footer does not match the body."""

    def __init__(self, stored: int, computed: int) -> None:
        self.stored = stored
        self.computed = computed
        super().__init__(f"crc check failed: footer says {stored}, content gives {computed}")


class CheckpointDecryptError(CheckpointFormatError):
    """Decryption failed: wrong key or mode, not an encrypted file, or damaged cipher frames.

    ``magic_mode`` is the mode named by the file's first 4 bytes (``None`` for a file without a cipher magic).
    """

    def __init__(self, reason: str, *, magic_mode: str | None, offset: int | None = None) -> None:
        self.magic_mode = magic_mode
        super().__init__(reason, offset=offset)


class CheckpointEntryError(CheckpointFormatError):
    """One entry is well-formed protobuf but cannot become an array (bad dims, size mismatch, ...).

    ``tag`` is the entry's name; ``detail`` is the text MindSpore would put before its
    "\\nFor 'load_checkpoint', failed to load the checkpoint file X." suffix.
    """

    def __init__(self, tag: str, reason: str, *, detail: str | None = None, offset: int | None = None) -> None:
        self.tag = tag
        self.detail = reason if detail is None else detail
        super().__init__(f"entry {tag!r}: {reason}", offset=offset)


class CheckpointTypeError(CheckpointEntryError):
    """Unknown ``tensor_type`` string (``detail`` is ``repr(tensor_type)``, like MindSpore's KeyError text)."""

    def __init__(self, tag: str, tensor_type: str, *, offset: int | None = None) -> None:
        self.tensor_type = tensor_type
        super().__init__(tag, f"unknown tensor_type {tensor_type!r}", detail=repr(tensor_type), offset=offset)


class SafetensorsFormatError(CheckpointFormatError):
    """A ``.safetensors`` file whose header or layout is invalid (MindSpore's ``SafeTensorError::...``)."""
