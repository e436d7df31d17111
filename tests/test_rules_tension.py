"""The tension rules (sim.model.mechanisms.escalation), one replicate at a time: tension
stays in [0, 1] and symmetric, provocations and clashes push it the way the article says,
a war sets the dyad to 1, NaN is kept rather than clipped away, the Poisson counts have the
rate as their mean, and a replicate's clashes do not depend on the replicates beside it."""

from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.actors import BLOC, DPRK, PENINSULA_IDX, RIVALS, ROK, USA
from sim.model.mechanisms import escalation
from sim.model.randomness import CLASH_DRAWS, N_NORMAL, N_UNIFORM, Month
from tests.support import copied_state as state

pytestmark = pytest.mark.rules  # `make test` runs these uncompiled (pyproject markers)

ROOT = Path(__file__).resolve().parents[1]
R = 8
FIXTURE = [HealthCheck.function_scoped_fixture]


@pytest.fixture(scope="module")
def model(started_model):
    """The pact as signed, three months in (copy before changing it)."""
    return started_model(R, months=3)


def shocks(seed):
    rng = np.random.default_rng(seed)
    return Month(rng.standard_normal((R, N_NORMAL)), rng.random((R, N_UNIFORM)))


def every_rule(w, p, ref, s):
    """Each tension rule once in every replicate, in the month's order."""
    wa, pa, ra = w.arrays(), p.arrays(), ref.arrays()
    for r in range(R):
        escalation.joint_exercises(r, wa, pa)
        escalation.provocations(r, wa, pa, s)
        escalation.us_force_buildup(r, wa, pa)
        escalation.us_china_rivalry(r, wa, pa)
        escalation.tension_dynamics(r, wa, pa, ra, s)
        escalation.armed_clashes(r, wa, pa, ra, s)


@settings(max_examples=20, deadline=None, suppress_health_check=FIXTURE)
@given(
    seed=st.integers(0, 2**32 - 1),
    scale=st.sampled_from([0.0, 0.5, 1.0, 3.0]),
    hazard=st.sampled_from([1.0, 50.0]),
)
def test_tension_stays_in_bounds_and_symmetric(model, seed, scale, hazard):
    w, p, ref = state(model)
    p.set("clash_hazard", hazard * p.clash_hazard[0])
    p.set("provocation_size", 5.0 * p.provocation_size[0, DPRK], actor="dprk")
    w.tension[:] = np.clip(w.tension * scale, 0.0, 1.0)
    every_rule(w, p, ref, shocks(seed))
    assert ((w.tension >= 0.0) & (w.tension <= 1.0)).all()
    assert (w.tension == w.tension.transpose(0, 2, 1)).all()


def peninsula(w) -> np.ndarray:
    """Mean tension of the DPRK with South Korea, Japan and the US, (R,)."""
    return w.tension[:, DPRK, PENINSULA_IDX].mean(axis=1)


def test_a_provocation_raises_peninsula_tension_and_sets_dialogue_back(model):
    w, p, _ = state(model)
    w.tension[:] = 0.5 * w.tension
    before, progress = peninsula(w), w.dialogue_progress.copy()
    wa, pa = w.arrays(), p.arrays()
    for r in range(R):
        escalation.forced_provocation(r, wa, pa)
    assert (peninsula(w) > before).all()
    assert (w.dialogue_progress < progress).all()
    assert (w.provocations == model.world.provocations + 1.0).all()


@settings(max_examples=30, deadline=None)
@given(rate=st.floats(0.0, 12.0))
def test_poisson_counts_have_the_rate_as_mean(rate):
    """Counts at evenly spread uniforms: their mean is the rate (far below the cap)."""
    n = 4000
    counts = [escalation._poisson(rate, (i + 0.5) / n) for i in range(n)]
    assert all(c == int(c) and 0 <= c <= escalation.MAX_EVENTS for c in counts)
    assert abs(np.mean(counts) - rate) < 0.01 + 0.01 * rate


def test_poisson_counts_stop_at_the_cap():
    assert escalation._poisson(1e3, 0.5) == escalation.MAX_EVENTS
    assert escalation._poisson(0.0, 0.999) == 0.0


@pytest.mark.parametrize("member", BLOC)
@pytest.mark.parametrize("rival", RIVALS)
def test_a_war_sets_the_dyad_to_one(model, member, rival):
    w, p, _ = state(model)
    s = shocks(4)
    m, k = BLOC.index(member), RIVALS.index(rival)
    a, b = escalation.BLOC[m], escalation.RIVALS[k]
    w.tension[:, a, b] = w.tension[:, b, a] = 0.2
    clashes, wars = w.clashes.copy(), w.wars.copy()
    wa, pa = w.arrays(), p.arrays()
    for r in range(R):
        escalation.forced_clash(r, wa, pa, s, m, k, True)
    assert (w.tension[:, a, b] == 1.0).all() and (w.tension[:, b, a] == 1.0).all()
    assert (w.clashes == clashes + 1).all() and (w.wars == wars + 1).all()


def test_a_partner_fully_committed_joins_every_war(model):
    w, p, _ = state(model)
    w.commitment[:] = 1.0
    partner = escalation.BLOC[1]
    wa, pa = w.arrays(), p.arrays()
    for r in range(R):
        escalation.forced_clash(r, wa, pa, shocks(5), 0, 0, True)
    rival = escalation.RIVALS[0]
    assert (w.tension[:, partner, rival] == 1.0).all()
    assert (w.reciprocity == model.world.reciprocity + 1).all()


def test_nan_tension_is_kept_not_clipped_away(model):
    w, p, ref = state(model)
    w.tension[:, DPRK, ROK] = w.tension[:, ROK, DPRK] = np.nan
    w.tension[:, USA, 2] = w.tension[:, 2, USA] = np.nan
    with np.errstate(invalid="ignore"):
        every_rule(w, p, ref, shocks(6))
    assert np.isnan(w.tension[:, DPRK, ROK]).all() and np.isnan(w.tension[:, ROK, DPRK]).all()
    assert np.isnan(w.tension[:, USA, 2]).all()


def test_no_hazard_no_clash(model):
    w, p, ref = state(model)
    p.set("clash_hazard", 0.0)
    tension, clashes = w.tension.copy(), w.clashes.copy()
    wa, pa, ra = w.arrays(), p.arrays(), ref.arrays()
    for r in range(R):
        escalation.armed_clashes(r, wa, pa, ra, shocks(7))
    assert (w.tension == tension).all() and (w.clashes == clashes).all()


def test_a_replicates_clashes_ignore_its_neighbours(model):
    """Replicate 1 clashes everywhere; replicate 0, which does not clash, keeps even a
    tension outside [0, 1] (a replicate's month depends on its own state only)."""
    w, p, ref = state(model)
    p.set("clash_hazard", 0.0)
    p.set("clash_floor", 0.0)
    p.writable("clash_hazard")[1] = 1e6
    p.writable("clash_floor")[1] = 1.0
    a, b = escalation.BLOC[0], escalation.RIVALS[0]
    w.tension[:, a, b] = w.tension[:, b, a] = 1.5
    s = shocks(8)
    s.uniforms[:, CLASH_DRAWS : CLASH_DRAWS + len(BLOC) * len(RIVALS)] = 0.5
    wa, pa, ra = w.arrays(), p.arrays(), ref.arrays()
    for r in range(R):
        escalation.armed_clashes(r, wa, pa, ra, s)
    assert w.clashes[1] - model.world.clashes[1] == len(BLOC) * len(RIVALS)
    assert w.tension[1, a, b] == 1.0
    assert w.tension[0, a, b] == 1.5 and w.clashes[0] == model.world.clashes[0]


def test_provocation_rate_is_never_negative_and_falls_with_dialogue(model):
    w, p, ref = state(model)
    wa, pa, ra = w.arrays(), p.arrays(), ref.arrays()
    rates = [escalation.dprk_provocation_rate(r, wa, pa, ra) for r in range(R)]
    assert min(rates) >= 0.0
    w.dialogue_progress[:] = 1.0
    lower = [escalation.dprk_provocation_rate(r, wa, pa, ra) for r in range(R)]
    assert all(low <= rate for low, rate in zip(lower, rates, strict=True))


def test_tension_relaxes_toward_rest_without_noise(model):
    w, p, ref = state(model)
    p.set("tension_noise", 0.0)
    p.set("dialogue_effect", 0.0)
    w.tension[:] = 1.0
    wa, pa, ra = w.arrays(), p.arrays(), ref.arrays()
    for r in range(R):
        escalation.tension_dynamics(r, wa, pa, ra, shocks(9))
    gap = 1.0 - ref.tension_rest
    assert (1.0 - w.tension <= gap + 1e-12).all()
    assert ((w.tension < 1.0) == (ref.tension_rest < 1.0)).all()
    assert (w.tension[:, DPRK, PENINSULA_IDX] < 1.0).all()
