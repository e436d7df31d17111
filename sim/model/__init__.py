"""Model layer: the world and its actors. Parameter arrays, the state and its June 2024
calibration, random streams, the Mesa agents and model, the mechanisms the article describes,
timed events, and what a run records.

Imports the scenario layer and the shared modules; knows nothing of results or runs.
"""
