"""Checkpoint converters between MindSpore ``.ckpt``, torch state_dicts (``.pt``/``.pth``/``.bin``) and
``.safetensors``; ``msshim convert`` / ``msshim inspect`` on the command line."""
from __future__ import annotations

from .convert import convert
from .inspect import InspectEntry, Inspection, format_inspection, inspect

__all__ = ["convert", "inspect", "format_inspection", "Inspection", "InspectEntry"]
