"""The shipped posterior, scenarios/posterior/history.csv: make it, and tell when it is stale.

`make posterior` (`python -m sim.execution.posterior`) conditions
scenarios/history_uncertain.yaml on observations/history.yaml by ABC rejection
(sim.execution.conditioning) on a pinned seed, so the same inputs give the same sets, and
writes them in draw order (replicate r of a run takes set r mod N, so a run of a few
replicates takes a fair sample of the sets, not the closest first) beside a sidecar,
history.json, recording the command, the method, draws and share kept, the seed, the SHA-256
of the scenario files, of the observation file and of the CSV, the scenario's hash (which
moves with the parameters' defaults and the data file), the prior and the date.

The baseline and the shipped what-ifs run on it by default (`ensemble:`,
sim.scenario.posterior). When the files it was conditioned on change, it is stale:
`stale_reasons` says how, a test fails with the command that regenerates it, and the
commands print one warning line.
"""

import argparse
import hashlib
import sys
from pathlib import Path
from typing import Any

from sim.errors import UserError
from sim.execution.conditioning import Conditioning, condition
from sim.files import write_text_atomically
from sim.model.params import Params
from sim.provenance import git_commit, json_text, stamp, utc_now
from sim.results.hindcast import Hindcast
from sim.scenario.posterior import POSTERIORS, SHIPPED_SCENARIOS, Ensemble, sidecar_of
from sim.scenario.scenario import Scenario, load_scenario

ROOT = SHIPPED_SCENARIOS.parent
"""The checkout: the recorded paths are relative to it."""

SCENARIO = Path("scenarios/history_uncertain.yaml")
OBSERVATIONS = Path("observations/history.yaml")
OUTPUT = POSTERIORS / "history.csv"
SEED = 20240619
"""Pinned: the history's own seed, written here so that moving it there does not move this."""
DRAWS = 3000
ACCEPT = 0.1
"""3,000 prior draws keeping the closest 10 %: 300 sets, a CSV of about 100 kB."""

COMMAND = "make posterior"
"""How to regenerate it, as the stale warnings and the test say."""


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _relative(path: Path) -> str:
    path = path.resolve()
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def make_posterior(
    draws: int = DRAWS, accept: float = ACCEPT, output: Path = OUTPUT, replicates: int | None = None
) -> Path:
    """Condition the uncertain history on the observations and write output (the CSV) and its
    sidecar; returns the CSV's path. replicates: of the hindcasts scored before and after
    (default: the scenario's)."""
    scenario = load_scenario(ROOT / SCENARIO).with_overrides(seed=SEED)
    started = utc_now()
    c = condition(scenario, ROOT / OBSERVATIONS, draws, accept, replicates, allow_large=True)
    table = c.accepted.sort_index()  # draw order: iid, so any first n sets are a fair sample
    text = table.to_csv(float_format="%.10g", lineterminator="\n")
    output.parent.mkdir(parents=True, exist_ok=True)
    write_text_atomically(output, text)
    made = _made(c, scenario.hash, draws, accept, text, started)
    write_text_atomically(sidecar_of(output), json_text(made))
    return output


def _made(
    c: Conditioning, scenario_hash: str, draws: int, accept: float, text: str, started: Any
) -> dict[str, Any]:
    scenario = c.before.result.scenario
    args = [] if (draws, accept) == (DRAWS, ACCEPT) else [f"--draws={draws}", f"--accept={accept}"]
    return {
        "kind": "posterior",
        "command": " ".join(["python -m sim.execution.posterior", *args]),
        "regenerate": COMMAND,
        "method": c.method,
        "draws": draws,
        "accept": accept,
        "sets": len(c.accepted),
        "seed": SEED,
        "tolerance": c.tolerance,
        "scenario": str(SCENARIO),
        "scenario_hash": scenario_hash,
        "inputs": {_relative(p): sha256_of(p) for p in (*scenario.sources, ROOT / OBSERVATIONS)},
        "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
        "hindcast_before": _score(c.before),
        "hindcast_after": _score(c.after),
        "prior": scenario.spec.model_dump(mode="json", exclude_none=True)["uncertain"],
        "base": base_values(scenario),
        "made_utc": stamp(started),
        "git_commit": git_commit(),
    }


def base_values(scenario: Scenario) -> dict[str, float]:
    """Each uncertain parameter's value in the scenario without its `uncertain:` block: a run
    on the posterior keeps a scenario's own value of a parameter only where it differs."""
    params = Params.from_scenario(scenario.with_params(uncertain=None), 1)
    return {path: float(params.get_path(path)[0]) for path in scenario.spec.uncertain or {}}


def _score(h: Hindcast) -> dict[str, Any]:
    """A hindcast's fit in the sidecar: observations inside the 80 % band, mean scaled CRPS."""
    return {"inside_80": h.score.inside, "of": h.score.n, "mean_crps_scaled": h.score.mean_crps}


def stale_reasons(ensemble: Ensemble) -> list[str]:
    """How the posterior no longer matches what it was conditioned on: an input file changed
    or is gone, the scenario's hash moved (parameter defaults, the data file), or the CSV is
    not the one written. Empty when it is current."""
    made = ensemble.made
    reasons = []
    for name, digest in (made.get("inputs") or {}).items():
        path = ROOT / name
        if not path.is_file():
            reasons.append(f"{name} is gone")
        elif sha256_of(path) != digest:
            reasons.append(f"{name} changed")
    if made.get("sha256") != ensemble.sha256:
        reasons.append(f"{ensemble.file.name} is not the file that was written")
    if not reasons:
        try:
            current = load_scenario(ROOT / str(made.get("scenario"))).with_overrides(seed=SEED)
        except UserError as error:
            return [f"its scenario does not load ({error})"]
        if current.hash != made.get("scenario_hash"):
            reasons.append(
                f"{made.get('scenario')}'s hash moved to {current.hash} (was "
                f"{made.get('scenario_hash')}): parameter defaults or the data file changed"
            )
    return reasons


def check_declarations(ensemble: Ensemble) -> None:
    """UserError, one line, unless the posterior's parameters are those its scenario declares
    `uncertain:` now (a parameter added, renamed or dropped there: its sets no longer fit)."""
    scenario = str(ensemble.made.get("scenario"))
    try:
        declared = set(load_scenario(ROOT / scenario).spec.uncertain or {})
    except UserError:
        return  # stale_reasons says it does not load
    sets = set(ensemble.sets.paths)
    if declared != sets:
        raise UserError(
            ensemble.file,
            1,
            "",
            f"its parameters are not the `uncertain:` declarations of {scenario} "
            f"(only in the posterior: {', '.join(sorted(sets - declared)) or '-'}; "
            f"only declared: {', '.join(sorted(declared - sets)) or '-'}); "
            f"regenerate it with `{COMMAND}`",
        )


def stale_warning(ensemble: Ensemble | None) -> str | None:
    """One line to print when a run's posterior is stale, else None; UserError when its
    parameters no longer fit the declarations (check_declarations)."""
    if ensemble is None:
        return None
    check_declarations(ensemble)
    reasons = stale_reasons(ensemble)
    if not reasons:
        return None
    return (
        f"warning: the posterior {ensemble.name} is stale ({'; '.join(reasons)}); "
        f"regenerate it with `{COMMAND}`"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m sim.execution.posterior",
        description=f"Regenerate {_relative(OUTPUT)} from {SCENARIO} and {OBSERVATIONS}.",
    )
    parser.add_argument("--draws", type=int, default=DRAWS, help=f"prior draws ({DRAWS})")
    parser.add_argument("--accept", type=float, default=ACCEPT, help=f"share kept ({ACCEPT})")
    parser.add_argument("--out", type=Path, default=OUTPUT, help="the CSV to write")
    args = parser.parse_args(argv)
    try:
        path = make_posterior(args.draws, args.accept, args.out)
    except UserError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"Wrote {path} and {sidecar_of(path).name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
