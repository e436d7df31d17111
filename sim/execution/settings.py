"""Defaults of the execution layer that the command line shows without loading the model."""

DEFAULT_CHUNK = 2000
"""Runs per chunk of a chunked job (a sweep or a large ensemble)."""
