"""Richardson (1960) anchors (docs/model.md: Validation anchors): a two-actor dyad with every other
mechanism off."""

from pathlib import Path

import numpy as np
import pytest

from sim import load_scenario, run
from sim.calendar import DT
from sim.results.outcomes import richardson_fit

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios" / "validation"


def dyad(name: str = "richardson_stable.yaml", **changes: float):
    """Spending of South Korea (x) and North Korea (y), (months + 1,) each."""
    scenario = load_scenario(SCENARIOS / name)
    top = {k: changes.pop(k) for k in ("substeps", "horizon_months") if k in changes}
    result = run(scenario.with_params(changes, **top), progress=False)
    return result.series("spending", "rok")[:, 0], result.series("spending", "dprk")[:, 0]


def test_stable_dyad_matches_discrete_closed_form():
    x, y = dyad()
    n = np.arange(len(x))
    expected = 2.0 * (1.0 - (1.0 - DT * (1.0 - 0.5)) ** n)
    np.testing.assert_allclose(x, expected, rtol=0, atol=1e-12)
    np.testing.assert_array_equal(x, y)


def test_stable_dyad_converges_to_the_continuous_solution():
    x, _ = dyad(substeps=400)
    assert x[-1] == pytest.approx(2.0 * (1.0 - np.exp(-10 / 2)), rel=1e-5)
    assert x[-1] == pytest.approx(1.98652, abs=1e-5)


def test_runaway_dyad_matches_discrete_and_continuous_solutions():
    x, _ = dyad("richardson_runaway.yaml")
    n = np.arange(len(x))
    np.testing.assert_allclose(x, 2.0 * ((1.0 + DT * 0.5) ** n - 1.0), rtol=1e-12)
    fine, _ = dyad("richardson_runaway.yaml", substeps=400)
    assert fine[-1] == pytest.approx(294.83, rel=5e-4)


def test_equilibrium_matches_closed_form_for_an_asymmetric_dyad():
    a, b, k, l_, g, h = 1.0, 0.8, 0.5, 0.3, 1.0, 0.5
    x, y = dyad(
        **{
            "rok.fatigue": a,
            "dprk.fatigue": b,
            "rok.reactivity.dprk": k,
            "dprk.reactivity.rok": l_,
            "rok.grievance": g,
            "dprk.grievance": h,
            "horizon_months": 600,
        }
    )
    margin = a * b - k * l_
    assert x[-1] == pytest.approx((b * g + k * h) / margin, rel=1e-9)
    assert y[-1] == pytest.approx((a * h + l_ * g) / margin, rel=1e-9)


@pytest.mark.parametrize(("fatigue", "stable"), [(22.0, True), (24.0, False)])
def test_monthly_step_is_stable_only_below_the_discrete_bound(fatigue, stable):
    """Symmetric dyad, k = l = 1: the Euler step is stable iff dt < 2 / (a + sqrt(k l)).

    With dt = 1/12 the bound is a < 23; both dyads are stable in continuous time (a*a > k*l).
    The rivals start apart so that the mode x - y, whose multiplier is 1 - dt (a + k), is
    excited.
    """
    x, _ = dyad(
        **{
            "rok.fatigue": fatigue,
            "dprk.fatigue": fatigue,
            "rok.reactivity.dprk": 1.0,
            "dprk.reactivity.rok": 1.0,
            "rok.initial.spending": 0.1,
            "horizon_months": 240,
        }
    )
    equilibrium = 1.0 / (fatigue - 1.0)
    bound = 2.0 / (fatigue + 1.0)
    assert (bound > DT) is stable
    if stable:
        assert x[-1] == pytest.approx(equilibrium, rel=1e-9)
    else:
        assert abs(x[-1] - equilibrium) > 1e3


def test_fitted_dyad_recovers_richardson_coefficients_and_margin():
    a, b, k, l_, g, h = 0.9, 0.6, 0.4, 0.7, 2.0, 1.0
    scenario = load_scenario(SCENARIOS / "richardson_stable.yaml").with_params(
        {
            "rok.fatigue": a,
            "dprk.fatigue": b,
            "rok.reactivity.dprk": k,
            "dprk.reactivity.rok": l_,
            "rok.grievance": g,
            "dprk.grievance": h,
            "rok.initial.spending": 5.0,
            "dprk.initial.spending": 0.5,
        }
    )
    result = run(scenario, progress=False)
    fit = {
        key: float(value[0])
        for key, value in richardson_fit(result.arrays["spending"], "rok", "dprk").items()
    }
    expected = {"k": k, "a": a, "g": g, "l": l_, "b": b, "h": h, "margin": a * b - k * l_}
    assert fit == pytest.approx(expected, rel=1e-6)
