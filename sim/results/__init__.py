"""Results layer: what follows from runs. Outcomes and their shares, a run's result, comparisons
and sweeps as data, sensitivity and scenario discovery, and the files they are written to.

Imports the model and scenario layers; draws nothing and runs nothing.
"""
