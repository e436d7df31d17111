"""Kernels of sanctions and trade (sim.model.mechanisms.sanctions) and of the economy and
domestic politics (sim.model.mechanisms.domestic)."""

PYTHON_KERNELS: dict = {}
