"""Kernels of the actors' monthly decisions (sim.model.agents)."""

PYTHON_KERNELS: dict = {}
