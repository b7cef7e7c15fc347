"""placeholder, filled by the ops work."""
__all__ = []
