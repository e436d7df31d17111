"""Kernels of the pact's cooperation (sim.model.mechanisms.cooperation) and of the
responses to the pact (sim.model.mechanisms.responses)."""

PYTHON_KERNELS: dict = {}
