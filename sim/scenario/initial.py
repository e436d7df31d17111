"""June 2024 as a scenario starts it: the data file's values with the scenario's `initial:`
overrides."""

from dataclasses import dataclass

import numpy as np

from sim.actors import ACTORS, BLOC, INDEX, N_ACTORS, RIVALS, SANCTIONERS
from sim.scenario.data import Datum, load_data
from sim.scenario.scenario import Scenario


@dataclass(frozen=True)
class InitialState:
    """June 2024 as a scenario starts it: data-file values with the scenario's overrides.

    Per-actor vectors have shape (N,) in ACTORS order, relations (N, N); bloc vectors have
    shape (2,) in BLOC order.
    """

    spending: np.ndarray
    gdp: np.ndarray
    gdp_growth: np.ndarray
    trade: np.ndarray
    tension: np.ndarray
    ties: np.ndarray
    sanctions: np.ndarray
    tech: np.ndarray
    cyber: np.ndarray
    support: np.ndarray
    trade_outside: np.ndarray  # (2,) the members' trade with countries outside the model
    clash_rates: np.ndarray  # (2, n_rivals) clashes a year at 2024 tension
    energy_need: float
    energy_non_russian: float
    enacted_growth: np.ndarray  # (years, N, 3) low, stated, high real growth from 2025; NaN: none


def _enacted_growth(scenario: Scenario) -> np.ndarray:
    """(years, N, 3): each actor's enacted real growth of calendar year 2025 + y over the year
    before, as (low, stated, high) (low = high = stated without a range); NaN where none."""
    specs = {a: getattr(scenario.spec.actors, a) for a in ACTORS}
    lists = {a: (s.enacted_budgets or []) if s is not None else [] for a, s in specs.items()}
    growth = np.full((max(map(len, lists.values())), N_ACTORS, 3), np.nan)
    for actor, budgets in lists.items():
        for y, b in enumerate(budgets):
            low, high = (b.low, b.high) if b.low is not None else (b.real_growth, b.real_growth)
            growth[y, INDEX[actor]] = (low, b.real_growth, high)
    return growth


def _vector(section: dict[str, Datum]) -> np.ndarray:
    return np.array([section[a].value for a in ACTORS], dtype=float)


def _matrix(section: dict[str, Datum], symmetric: bool) -> np.ndarray:
    out = np.zeros((N_ACTORS, N_ACTORS))
    for pair, datum in section.items():
        a, b = pair.split("-")
        out[INDEX[a], INDEX[b]] = datum.value
        if symmetric:
            out[INDEX[b], INDEX[a]] = datum.value
    return out


def _clash_rates(section: dict[str, Datum]) -> np.ndarray:
    """(2, n_rivals) in BLOC x RIVALS order; dyads the data file does not list are 0."""
    rates = np.zeros((len(BLOC), len(RIVALS)))
    for pair, datum in section.items():
        member, rival = pair.split("-")
        rates[BLOC.index(member), RIVALS.index(rival)] = datum.value
    return rates


def initial_state(scenario: Scenario) -> InitialState:
    """The data file's June 2024 state with the scenario's `initial:` overrides applied."""
    data = load_data()
    spending = _vector(data["military_spending"])
    gdp = _vector(data["gdp"])
    gdp_growth = _vector(data["gdp_growth"])
    trade = _matrix(data["trade"], symmetric=True)
    tension = _matrix(data["tension"], symmetric=True)
    ties = _matrix(data["ties"], symmetric=True)
    sanctions = _matrix(data["sanctions"], symmetric=False)
    tech_data, domestic = data["technology"], data["domestic"]
    tech = np.array([tech_data[f"tech_{m}"].value for m in BLOC])
    cyber = np.array([tech_data[f"cyber_{m}"].value for m in BLOC])
    support = np.array([domestic[f"support_{m}"].value for m in BLOC])

    for actor in ACTORS:
        spec = getattr(scenario.spec.actors, actor)
        given = spec.initial if spec is not None else None
        if given is None:
            continue
        i = INDEX[actor]
        for name, vector in (
            ("spending", spending),
            ("gdp", gdp),
            ("gdp_growth", gdp_growth),
        ):
            if getattr(given, name) is not None:
                vector[i] = getattr(given, name)
        for other, value in given.tension.items():
            tension[i, INDEX[other]] = tension[INDEX[other], i] = value
        if actor in BLOC:
            m = BLOC.index(actor)
            for name, vector in (("support", support), ("tech", tech), ("cyber", cyber)):
                if getattr(given, name) is not None:
                    vector[m] = getattr(given, name)
            for other, value in given.ties.items():
                ties[i, INDEX[other]] = ties[INDEX[other], i] = value
            for other, value in given.trade.items():
                trade[i, INDEX[other]] = trade[INDEX[other], i] = value
        if actor in SANCTIONERS:
            for target, value in given.sanctions.items():
                sanctions[i, INDEX[target]] = value

    energy = data["energy"]
    return InitialState(
        spending=spending,
        gdp=gdp,
        gdp_growth=gdp_growth,
        trade=trade,
        tension=tension,
        ties=ties,
        sanctions=sanctions,
        tech=tech,
        cyber=cyber,
        support=support,
        trade_outside=np.array([data["trade_outside"][m].value for m in BLOC]),
        clash_rates=_clash_rates(data["clash_rates"]),
        energy_need=energy["pre_sanctions_supply"].value,
        energy_non_russian=energy["non_russian_supply"].value + energy["china_crude"].value,
        enacted_growth=_enacted_growth(scenario),
    )
