"""Scenario layer: what to run. Parameter and outcome declarations, the YAML schema and reader,
dotted paths, error messages, `extends:`, the data file and the June 2024 state it gives.

Imports only the shared modules (actors, calendar, errors); knows nothing of the model.
"""
