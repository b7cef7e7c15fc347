"""placeholder: filled by the layer work."""
__all__ = []
