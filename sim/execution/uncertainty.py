"""Runs over parameter sets, and how much of each outcome's variance parameters explain.

A scenario's `uncertain:` block makes each replicate draw its own parameters
(sim.model.uncertainty). Here the draws are made explicit: `parameter_draws` gives the
parameter sets replicates would draw; `run_parameter_sets` runs given sets (a conditioned
run's posterior, or a nested design) on given shock streams; `variance_decomposition` splits
each outcome's variance into the part the parameters explain and the part the shocks do.
"""

import numpy as np
import pandas as pd

from sim.errors import UserError
from sim.execution import budget
from sim.model.model import AllianceModel
from sim.model.params import Params
from sim.model.randomness import Shocks
from sim.model.uncertainty import apply_ensemble, apply_uncertain, draw_uncertain
from sim.results.outcomes import outcome_table
from sim.results.run_result import RunResult
from sim.scenario.scenario import Scenario


def parameter_draws(scenario: Scenario, replicate_ids: np.ndarray) -> pd.DataFrame:
    """The uncertain parameters replicates `replicate_ids` draw: one row each, one column per
    declared path (what run() gives those replicates)."""
    uncertain = scenario.spec.uncertain or {}
    shocks = Shocks(scenario.spec.seed, np.asarray(replicate_ids), scenario.spec.horizon_months)
    draws = draw_uncertain(uncertain, shocks.static_normal("uncertain"))
    return pd.DataFrame(draws, index=pd.Index(np.asarray(replicate_ids), name="replicate"))


def run_parameter_sets(
    scenario: Scenario,
    sets: pd.DataFrame,
    replicate_ids: np.ndarray | None = None,
    allow_large: bool = False,
    record: tuple[str, ...] | None = None,
) -> RunResult:
    """Run the scenario with row k of `sets` (columns: parameter paths) in replicate k.

    replicate_ids: the shock streams (default 0 .. len(sets) - 1; repeats allowed, so the
    same shocks can meet several parameter sets). Parameters of the scenario's `uncertain:`
    block not in `sets` are drawn as usual from each replicate's stream. Runs beyond the
    resource budget are refused (sim.execution.budget) unless allow_large. record: the series
    to record (default all).
    """
    ids = np.arange(len(sets)) if replicate_ids is None else np.asarray(replicate_ids)
    if len(ids) != len(sets):
        raise ValueError("one replicate id per parameter set")
    check_sets_budget(scenario, len(ids), allow_large, f"run_parameter_sets({scenario.name})")
    params = Params.from_scenario(scenario, len(ids))
    apply_ensemble(params, scenario, ids)  # the scenario's conditioned sets, then the draws
    shocks = Shocks(scenario.spec.seed, ids, scenario.spec.horizon_months)  # drawn once
    if scenario.spec.uncertain:
        apply_uncertain(params, scenario.spec.uncertain, shocks.static_normal("uncertain"))
        scenario = scenario.with_params(uncertain=None)  # drawn here; the sets override them
    for path in sets.columns:
        params.set_path(str(path), sets[path].to_numpy(dtype=float))
    model = AllianceModel(scenario, replicate_ids=ids, params=params, record=record, shocks=shocks)
    while model.running:
        model.step()
    return RunResult(scenario, model.replicate_ids, model.release())


def check_sets_budget(scenario: Scenario, runs: int, allow_large: bool, where: str) -> None:
    """ResourceError for `runs` runs on parameter sets beyond the budget (unless allow_large)."""
    spec = scenario.spec
    estimate = budget.parameter_sets_estimate(runs, spec.horizon_months, spec.substeps)
    budget.check(estimate, allow_large, where)


def variance_decomposition(
    scenario: Scenario, parameter_sets: int = 40, shock_draws: int = 20, allow_large: bool = False
) -> pd.DataFrame:
    """Each outcome's variance split into parameters and shocks, by the law of total variance.

    A nested design: parameter_sets (M) draws of the `uncertain:` block (those of replicates
    0 .. M-1), each run on the same shock_draws (K) shock streams (replicates 0 .. K-1). For
    each outcome and measure Y: Var(Y) = Var(E[Y | parameters]) + E[Var(Y | parameters)]. The
    first term is estimated from the spread of the M set means less its shock noise (the mean
    within-set variance / K, unbiased), floored at 0; the shocks' part is the rest. M x K
    runs beyond the resource budget are refused before anything is drawn, unless allow_large.
    """
    if not scenario.spec.uncertain:
        raise UserError(
            scenario.path or "scenario",
            None,
            "uncertain",
            "this scenario declares no 'uncertain:' parameters to decompose over",
        )
    m, k = parameter_sets, shock_draws
    check_sets_budget(scenario, m * k, allow_large, f"variance_decomposition({scenario.name})")
    sets = parameter_draws(scenario, np.arange(m))
    nested = sets.loc[np.repeat(sets.index.to_numpy(), k)].reset_index(drop=True)
    result = run_parameter_sets(scenario, nested, np.tile(np.arange(k), m), allow_large)
    table = outcome_table(
        result.arrays, scenario.spec.outcomes, result.replicate_ids, scenario.outcome_start
    )
    rows = []
    for column in table.columns.drop("replicate"):
        y = table[column].to_numpy(dtype=float).reshape(m, k)
        if not np.isfinite(y).all():
            continue
        total = y.var(ddof=1) if y.size > 1 else 0.0
        within = y.var(axis=1, ddof=1).mean()
        between = max(0.0, y.mean(axis=1).var(ddof=1) - within / k)
        share = between / (between + within) if between + within > 0 else np.nan
        rows.append(
            {
                "outcome": column,
                "mean": y.mean(),
                "variance": total,
                "parameters": between,
                "shocks": within,
                "parameter_share": share,
                "shock_share": 1 - share if share == share else np.nan,
            }
        )
    return pd.DataFrame(rows)
