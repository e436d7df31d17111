"""Serve the explorer as a local web page: Voila on 127.0.0.1, nothing fetched from outside.

Voila's "lab" template links Font Awesome from a CDN, the one request its page makes beyond
the local server (the widgets' JavaScript ships in the jupyterlab_widgets wheel). The
explorer uses no icons, so `offline_template` writes a copy of that template without the
CDN links into a temporary Jupyter data folder, and Voila is started with it.
"""

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from sim.explore.core import REPOSITORY

NOTEBOOK = REPOSITORY / "notebooks" / "explorer.ipynb"
TEMPLATE = "alliance-offline"
HOST = "127.0.0.1"

EXAMPLE = """\
examples:
  alliance-sim explore                                    # baseline, http://127.0.0.1:8866/
  alliance-sim explore scenarios/us_buildup.yaml --port 8870 --replicates 400
  make explore"""


def offline_template(data_dir: Path) -> Path:
    """Write Voila's lab template without its CDN links as `alliance-offline` under
    data_dir/voila/templates/ and return that folder. Fails if the lab template cannot be
    found or still links outside the machine after the edit."""
    import voila.paths

    lab = None
    for root in voila.paths._default_root_dirs():
        candidate = Path(root) / "voila" / "templates" / "lab" / "index.html.j2"
        if candidate.is_file():
            lab = candidate
            break
    if lab is None:
        raise RuntimeError(
            "Voila's lab template was not found; is voila installed (pip install -e '.[notebook]')?"
        )
    kept = [
        line
        for line in lab.read_text(encoding="utf-8").splitlines(keepends=True)
        if "cdn.jsdelivr.net" not in line
    ]
    text = "".join(kept)
    if "<link" in text and "https://" in "".join(ln for ln in kept if "<link" in ln):
        raise RuntimeError(f"{lab} links an outside stylesheet this code does not know")
    folder = data_dir / "voila" / "templates" / TEMPLATE
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "index.html.j2").write_text(text, encoding="utf-8")
    (folder / "conf.json").write_text(json.dumps({"base_template": "lab"}), encoding="utf-8")
    return folder


def kernel_spec(data_dir: Path) -> Path:
    """A `python3` kernel spec running this interpreter, first on JUPYTER_PATH: the page's
    kernel is this environment's Python whatever kernels the user has installed."""
    from ipykernel.kernelspec import write_kernel_spec

    return Path(write_kernel_spec(data_dir / "kernels" / "python3"))


def voila_command(port: int, open_browser: bool = False, notebook: Path = NOTEBOOK) -> list[str]:
    command = [
        sys.executable,
        "-m",
        "voila",
        str(notebook),
        f"--Voila.ip={HOST}",
        f"--port={port}",
        f"--template={TEMPLATE}",
        "--theme=light",
        "--show_tracebacks=True",
    ]
    if not open_browser:
        command.append("--no-browser")
    return command


def environment(data_dir: Path, scenario: Path | None, replicates: int | None) -> dict[str, str]:
    """The server's environment: the offline template first on JUPYTER_PATH, and the
    explorer's starting scenario and replicates for the notebook to read."""
    env = dict(os.environ)
    env["JUPYTER_PATH"] = os.pathsep.join(
        [str(data_dir), *filter(None, [os.environ.get("JUPYTER_PATH")])]
    )
    if scenario is not None:
        env["ALLIANCE_SIM_SCENARIO"] = str(scenario.resolve())
    if replicates is not None:
        env["ALLIANCE_SIM_REPLICATES"] = str(replicates)
    return env


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None, prog: str = "alliance-sim explore") -> int:
    parser = argparse.ArgumentParser(
        prog=prog,
        epilog=EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Serve the what-if explorer (notebooks/explorer.ipynb) with Voila on "
        f"{HOST}: sliders for the main drivers, the scenario B = A + changes run against A "
        "on common random numbers. Stop it with Ctrl-C.",
    )
    parser.add_argument(
        "scenario",
        type=Path,
        nargs="?",
        help="starting scenario (default: scenarios/baseline.yaml)",
    )
    parser.add_argument("--port", type=int, default=8866, help="port (default 8866)")
    parser.add_argument("--replicates", type=int, help="replicates (default: the file's)")
    parser.add_argument("--open", action="store_true", help="open a browser window")
    args = parser.parse_args(argv)
    if args.scenario is not None and not args.scenario.is_file():
        print(f"error: {args.scenario}: no such scenario file", file=sys.stderr)
        return 2
    try:
        import voila  # noqa: F401
    except ImportError:
        print(
            "error: the explorer needs Voila and ipywidgets: pip install -e '.[notebook]' "
            "(or 'make explore')",
            file=sys.stderr,
        )
        return 2
    data_dir = Path(tempfile.mkdtemp(prefix="alliance-sim-voila-"))
    signal.signal(signal.SIGTERM, _interrupt)  # stop Voila on SIGTERM as on Ctrl-C
    try:
        offline_template(data_dir)
        kernel_spec(data_dir)
        print(f"The explorer: http://{HOST}:{args.port}/ (Ctrl-C stops it)", flush=True)
        process = subprocess.Popen(
            voila_command(args.port, args.open),
            env=environment(data_dir, args.scenario, args.replicates),
        )
        try:
            return process.wait()
        except KeyboardInterrupt:
            process.terminate()
            process.wait(timeout=10)
            return 0
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
