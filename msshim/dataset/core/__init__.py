"""Dataset engine core: configuration and argument checks."""
