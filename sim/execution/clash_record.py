"""The armed-clash hazard against the record: the model's regional rate of fatal clashes in a
steady 2024 world, beside the rate the dispute record gives, and the clash_hazard that makes
them equal.

Run: `python -m sim.execution.clash_record` (about 40 s). world.clash_hazard's default is the
value this prints; tests/test_anchors.py checks that the default still reproduces the record.

Why a multiplier is needed at all: the data file's clash_rates are the rates the record shows
(Correlates of War MID 5.0; derive_clash_rates.py), and the record already contains the
clustering of clashes in tense years. The model's clash rate is that rate plus clash_floor,
raised by tension noise (the rate is convex in tension) and by each clash's own tension
(clash_tension, self-exciting as in Hawkes processes), so with a multiplier of 1 it realises
more clashes than the record holds. The steady 2024 world is `scenarios/pact_as_signed.yaml`
in its first year, which the calibration holds at 2024 (tests/test_real_basis.py).
"""

from pathlib import Path

from sim.execution.runner import run
from sim.scenario.data import load_data
from sim.scenario.parameters import WORLD_PARAMS
from sim.scenario.scenario import load_scenario

STEADY_2024 = Path(__file__).resolve().parents[2] / "scenarios" / "pact_as_signed.yaml"
"""A world held at June 2024 by the calibration, shocks and clashes included."""


def recorded_rate() -> float:
    """Fatal militarised incidents a year between the bloc and its rivals (data file)."""
    return sum(datum.value for datum in load_data()["clash_rates"].values())


def steady_rate(
    clash_hazard: float | None = None, replicates: int = 40_000, months: int = 12, seed: int = 7
) -> tuple[float, float]:
    """The model's mean regional clashes a year over the first `months` of the steady 2024
    world, and its Monte Carlo standard error; clash_hazard None keeps the default."""
    changes = {} if clash_hazard is None else {"world.clash_hazard": clash_hazard}
    scenario = load_scenario(STEADY_2024).with_params(
        changes, replicates=replicates, seed=seed, horizon_months=months
    )
    clashes = run(scenario, progress=False).arrays["clashes"][months, :, 0] * 12.0 / months
    return float(clashes.mean()), float(clashes.std(ddof=1) / len(clashes) ** 0.5)


def main() -> None:
    """Print the record's rate, the model's at the default hazard and at 1, and the hazard
    that matches the record (interpolated between the two, same seed for both)."""
    record = recorded_rate()
    default = float(WORLD_PARAMS["clash_hazard"].defaults["world"])
    at_default, error = steady_rate()
    at_one, _ = steady_rate(1.0)
    matching = default + (record - at_default) * (1.0 - default) / (at_one - at_default)
    print(f"record (data file clash_rates, summed): {record:.3f} fatal clashes a year")
    print(f"model, steady 2024, default clash_hazard {default:g}: {at_default:.4f} +- {error:.4f}")
    print(f"model, steady 2024, clash_hazard 1: {at_one:.4f} ({at_one / record:.2f}x the record)")
    print(f"clash_hazard that matches the record: {matching:.3f}")


if __name__ == "__main__":
    main()
