"""Kernels of the monthly recording (sim.model.recording) and the derived measures it
reads (sim.model.state)."""

PYTHON_KERNELS: dict = {}
