"""Execution layer: how runs are carried out. The runner, comparison on common random numbers,
sweep designs, resource estimates and budgets, jobs in chunks with resume, and the executors
(a thread, local processes, Dask).

Imports the results, model and scenario layers; draws nothing.
"""
