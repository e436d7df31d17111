"""Conditioning by sequential Monte Carlo ABC (pyabc's ABCSMC).

ABC-SMC (Toni et al. 2009; Beaumont et al. 2009): a population of parameter sets is drawn
from the prior, then each generation perturbs the previous one's weighted particles with a
multivariate normal kernel (pyabc.MultivariateNormalTransition), keeps those
whose distance is under a tolerance that falls to the previous generation's median distance
(pyabc.QuantileEpsilon, adaptive as in Del Moral et al. 2012), and reweights them by prior
over proposal. The kernel is pyabc's default (the weighted covariance times Silverman's factor,
about 0.6 with 22 parameters). Beaumont's twice the covariance was tried and dropped: with 22
bounded priors almost every proposal fell outside them (pyabc warned of prior density zero and
a generation did not finish in minutes). The narrow kernel has its own cost: the importance
weights degenerate (on the history scenario, 2 effective particles of 200 after one
generation), so each Generation records its effective sample size and the posterior repeats
few distinct sets. The last generation, resampled by weight, is the posterior written as
accepted.csv: the same file rejection writes, so `--conditioned-on` reads either.

Why pyabc (0.13.0, July 2026; ICB-DCM/pyABC): a maintained ABC-SMC with adaptive tolerances,
kernels and samplers (one core, several, Dask), installable beside this project's numpy 2 and
matplotlib 3.11 with a handful of small packages. pyabc calls the model once per particle (its
issue #351: no vectorised `simulate_many`), and one replicate alone costs about as much as a
batch of hundreds here, so RoundModel and round_sampler plug into pyabc's sampler interface to
run a round of a population's particles as one batched run (sim.execution.series_runs: in
chunks on the project's workers with `--workers`, or on a Dask cluster), seeded and in a fixed
order. The alternatives that take a whole population natively were weighed and not taken:
ELFI 0.8.8 (batch simulators) pins matplotlib < 3.9 and imports GPy, so installing it would
downgrade the project's plotting; sbi 0.27 (SMCABC with `simulation_batch_size`) needs
torch, a CUDA build of several GB for Python 3.12 from PyPI.

Distance: conditioning.distances' normalised squared error (a miss by the observation's own
uncertainty counts 1), so rejection and SMC compare like with like.
"""

import tempfile
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from sim.errors import require_extra
from sim.execution.series_runs import SeriesRunner
from sim.results.hindcast import observed_ensemble
from sim.scenario.observations import Observation
from sim.scenario.scenario import Scenario
from sim.scenario.schema import UncertainSpec

# The summary key that carries a particle's replicate id (its shock stream), so a posterior set
# can be run again on the very path it was accepted for (sim.execution.conditioning.continued).
REPLICATE = "replicate"

if TYPE_CHECKING:
    import pyabc


@dataclass(frozen=True)
class Generation:
    """One SMC generation: its tolerance, the particles kept, the simulations it took and
    the particles' effective sample size (1 / sum of squared normalised weights)."""

    t: int
    epsilon: float
    particles: int
    simulations: int
    effective: float


@dataclass(frozen=True)
class SmcPosterior:
    """The last generation resampled by weight (one row per set, `distance` beside the
    parameters) and the generations that led to it."""

    sets: pd.DataFrame
    generations: list[Generation]

    @property
    def simulations(self) -> int:
        return sum(g.simulations for g in self.generations)


def prior_of(uncertain: dict[str, UncertainSpec]) -> "pyabc.Distribution":
    """The `uncertain:` block as a pyabc prior: the same distributions as
    sim.scenario.uncertain draws (triangular by its mode, normal truncated to [low, high],
    beta stretched over [low, high])."""
    import pyabc

    def rv(u: UncertainSpec) -> pyabc.RV:
        width = u.high - u.low
        if u.dist == "triangular":
            return pyabc.RV("triang", (u.mode - u.low) / width, u.low, width)
        if u.dist == "normal":
            a, b = (u.low - u.mean) / u.sd, (u.high - u.mean) / u.sd
            return pyabc.RV("truncnorm", a, b, u.mean, u.sd)
        if u.dist == "beta":
            return pyabc.RV("beta", u.a, u.b, u.low, width)
        return pyabc.RV("uniform", u.low, width)

    return pyabc.Distribution(**{path: rv(u) for path, u in uncertain.items()})


def summaries(arrays: dict[str, np.ndarray], observations: list[Observation]) -> list[dict]:
    """Each replicate's value of each observation, keyed by the observation's position."""
    values = [observed_ensemble(arrays, obs) for obs in observations]
    replicates = len(values[0]) if values else 0
    return [{str(i): float(v[r]) for i, v in enumerate(values)} for r in range(replicates)]


def scaled_distance(
    scales: list[float],
) -> Callable[[dict[str, float], dict[str, float]], float]:
    """The normalised squared error of conditioning.distances, as pyabc's (x, x0) -> float."""

    def distance(x: dict[str, float], x0: dict[str, float]) -> float:
        total = np.mean([((x[k] - x0[k]) / s) ** 2 for k, s in zip(x0, scales, strict=True)])
        return float(total) if np.isfinite(total) else np.inf

    return distance


class RoundModel:
    """pyabc's model, run a round of particles at a time as one batch of replicates.

    pyabc builds each particle in `simulate_one` (propose, simulate, accept, weigh) and calls
    the model once in it. A round starts `size` of them in threads that take turns: slot k
    proposes (drawing from numpy's global stream) only after slot k - 1 has handed its
    parameters to the model, so the draws follow the slot order and a seeded run repeats.
    When all have arrived, one batched run simulates them (replicate ids 0, 1, 2, ... across
    rounds, each particle its own shock stream) and every slot finishes its particle.
    """

    def __init__(
        self,
        scenario: Scenario,
        observations: list[Observation],
        runs: SeriesRunner | None = None,
    ) -> None:
        self.scenario = scenario
        self.observations = observations
        self.runs = runs or SeriesRunner(o.series for o in observations)
        self.simulated = 0
        self._slot = threading.local()
        self._pending: list[dict[str, float] | None] = []
        self._outputs: list[dict[str, float]] = []
        self._error: BaseException | None = None

    def round(self, simulate_one: Callable[[], Any], size: int) -> list[Any]:
        """`size` particles of simulate_one, in slot order."""
        self._pending, self._outputs, self._error = [None] * size, [], None
        turns = [threading.Event() for _ in range(size + 1)]
        barrier = threading.Barrier(size, action=self._run_pending)
        stopping = threading.Event()

        def give_up(error: BaseException) -> None:
            """Stop the round: keep the first error, release every slot and the barrier."""
            self._error = self._error or error
            stopping.set()
            barrier.abort()
            for turn in turns:
                turn.set()

        def one(k: int) -> Any:
            turns[k].wait()
            if stopping.is_set():  # the round was given up: propose nothing more
                raise self._error or RuntimeError("round stopped")
            self._slot.k, self._slot.turns, self._slot.barrier = k, turns, barrier
            try:
                particle = simulate_one()
                if self._pending[k] is None:
                    raise RuntimeError("a pyabc particle was built without a simulation")
            except BaseException as error:
                give_up(error)
                raise
            return particle

        turns[0].set()
        with ThreadPoolExecutor(max_workers=size) as pool:
            try:
                return list(pool.map(one, range(size)))
            except BaseException as error:  # a failed particle, or Ctrl-C / SIGTERM
                give_up(error)
                raise self._error from None

    def __call__(self, parameter: dict[str, float]) -> dict[str, float]:
        slot = self._slot
        self._pending[slot.k] = dict(parameter)
        slot.turns[slot.k + 1].set()
        try:
            slot.barrier.wait()
        except threading.BrokenBarrierError:
            raise self._error or RuntimeError("a round of particles failed") from None
        return self._outputs[slot.k]

    def _run_pending(self) -> None:
        try:
            sets = pd.DataFrame(self._pending)
            ids = np.arange(self.simulated, self.simulated + len(sets))
            result = self.runs(self.scenario, ids, sets)
            self.simulated += len(sets)
            self._outputs = [
                {**summary, REPLICATE: float(i)}
                for summary, i in zip(summaries(result.arrays, self.observations), ids, strict=True)
            ]
        except BaseException as error:
            self._error = error
            raise


def round_sampler(model: RoundModel) -> "pyabc.sampler.Sampler":
    """A pyabc sampler that asks for a population's worth of particles a round (RoundModel
    runs each round as one batch) and keeps the first n accepted in slot order, as pyabc's
    parallel samplers keep the first n by evaluation order."""
    import pyabc

    class RoundSampler(pyabc.sampler.Sampler):
        def sample_until_n_accepted(
            self,
            n: int,
            simulate_one: Callable[[], Any],
            t: int,
            *,
            max_eval: float = np.inf,
            all_accepted: bool = False,
            ana_vars: Any = None,
        ) -> "pyabc.Sample":
            sample, evaluations = self._create_empty_sample(), 0
            while sample.n_accepted < n and evaluations < max_eval:
                for particle in model.round(simulate_one, n):
                    evaluations += 1
                    sample.append(particle)
                    if sample.n_accepted == n or evaluations >= max_eval:
                        break
            self.nr_evaluations_ = evaluations
            sample.ok = sample.n_accepted == n
            return sample

    return RoundSampler()


def smc_posterior(
    scenario: Scenario,
    observations: list[Observation],
    scales: list[float],
    population: int = 200,
    generations: int = 5,
    min_acceptance: float = 0.02,
    runs: SeriesRunner | None = None,
) -> SmcPosterior:
    """Run pyabc's ABC-SMC on the scenario's `uncertain:` parameters; stop after
    `generations` generations or when a generation accepts under `min_acceptance` of its
    simulations; runs: where the rounds run (default: this process). Seeded by the
    scenario's seed (pyabc draws from numpy's global stream,
    which is restored afterwards)."""
    require_extra("smc", "condition --method smc")
    import pyabc

    uncertain = scenario.spec.uncertain or {}
    observed = {str(i): obs.value for i, obs in enumerate(observations)}
    model = RoundModel(scenario, observations, runs)
    abc = pyabc.ABCSMC(
        model,
        prior_of(uncertain),
        scaled_distance(scales),
        population_size=population,
        eps=pyabc.QuantileEpsilon(alpha=0.5),
        sampler=round_sampler(model),
    )
    state = np.random.get_state()
    np.random.seed(scenario.spec.seed % 2**32)
    try:
        with tempfile.TemporaryDirectory() as folder:
            abc.new(f"sqlite:///{Path(folder) / 'abc.db'}", observed)
            history = abc.run(max_nr_populations=generations, min_acceptance_rate=min_acceptance)
            last = history.get_population()
            steps = history.get_all_populations()
            effective = [_effective_size(history, int(t)) for t in steps["t"] if t >= 0]
    finally:
        np.random.set_state(state)
    return SmcPosterior(
        _resampled(last.particles, list(uncertain), population, scenario),
        [
            Generation(int(r.t), float(r.epsilon), int(r.particles), int(r.samples), ess)
            for r, ess in zip(steps[steps["t"] >= 0].itertuples(), effective, strict=True)
        ],
    )


def _effective_size(history: "pyabc.History", t: int) -> float:
    _, weights = history.get_distribution(m=0, t=t)
    w = np.asarray(weights, dtype=float) / np.sum(weights)
    return float(1 / np.sum(w**2))


def _resampled(
    particles: list["pyabc.Particle"], paths: list[str], n: int, scenario: Scenario
) -> pd.DataFrame:
    """n sets drawn with replacement in proportion to the particles' weights."""
    weights = np.array([p.weight for p in particles], dtype=float)
    rng = np.random.default_rng(scenario.spec.seed)
    picks = rng.choice(len(particles), size=n, p=weights / weights.sum())
    rows = [
        {**{k: particles[i].parameter[k] for k in paths}, "distance": particles[i].distance}
        for i in picks
    ]
    ids = [int(particles[i].sum_stat[REPLICATE]) for i in picks]
    return pd.DataFrame(rows, index=pd.Index(ids, name="replicate"))
