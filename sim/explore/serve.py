"""Serve the explorer as a local web page: Voila on 127.0.0.1, nothing fetched from outside,
only its user served (see sim.explore.guarded), nothing left running when it stops.

Voila's "lab" template links Font Awesome from a CDN, the one request its page makes beyond
the local server (the widgets' JavaScript ships in the jupyterlab_widgets wheel). The
explorer uses no icons, so `offline_template` writes a copy of that template without the
CDN links into a temporary Jupyter data folder, and Voila is started with it.
"""

import argparse
import errno
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import webbrowser
from dataclasses import dataclass
from pathlib import Path

from sim.explore.core import REPOSITORY

NOTEBOOK = REPOSITORY / "notebooks" / "explorer.ipynb"
GUARDED = Path(__file__).with_name("guarded.py")
TEMPLATE = "alliance-offline"
HOST = "127.0.0.1"
STOP_SECONDS = 10

EXAMPLE = """\
examples:
  alliance-sim explore                      # baseline, http://127.0.0.1:8866/?token=...
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
    kernel is this environment's Python whatever kernels the user has installed.

    Interrupts go by message: jupyter_client interrupts every kernel it shuts down, and a
    SIGINT to a kernel still importing printed a KeyboardInterrupt traceback on stop."""
    from ipykernel.kernelspec import write_kernel_spec

    folder = Path(write_kernel_spec(data_dir / "kernels" / "python3"))
    spec = json.loads((folder / "kernel.json").read_text(encoding="utf-8"))
    spec["interrupt_mode"] = "message"
    (folder / "kernel.json").write_text(json.dumps(spec), encoding="utf-8")
    return folder


@dataclass(frozen=True)
class Limits:
    """How many kernels (about 250 MB each) may run at once, and after how many idle
    seconds with no page connected a kernel is shut down (checked every `cull_interval`)."""

    max_kernels: int = 3
    cull_idle_timeout: int = 120
    cull_interval: int = 30


def voila_command(port: int, notebook: Path = NOTEBOOK, limits: Limits = Limits()) -> list[str]:
    """The guarded Voila process on HOST:port, on that port only. guarded.py runs as a
    script (-P: its folder not on sys.path), so the server does not import the model (about
    300 MB of RSS as `-m sim.explore.guarded`, 100 MB like this)."""
    manager = "CappedKernelManager"
    return [
        sys.executable,
        "-P",
        str(GUARDED),
        str(notebook),
        f"--Voila.ip={HOST}",
        f"--port={port}",
        "--Voila.port_retries=0",
        "--no-browser",
        f"--template={TEMPLATE}",
        "--theme=light",
        "--show_tracebacks=True",
        f"--VoilaConfiguration.multi_kernel_manager_class=__main__.{manager}",
        f"--{manager}.max_kernels={limits.max_kernels}",
        f"--{manager}.cull_idle_timeout={limits.cull_idle_timeout}",
        f"--{manager}.cull_interval={limits.cull_interval}",
        f"--{manager}.cull_connected=False",
    ]


def environment(
    data_dir: Path, scenario: Path | None, replicates: int | None, token: str, ready_fd: int
) -> dict[str, str]:
    """The server's environment: the offline template first on JUPYTER_PATH, the
    explorer's starting scenario and replicates for the notebook to read, and for the
    guarded Voila process its token, its parent and the pipe on which it says it serves."""
    from sim.explore import guarded

    env = dict(os.environ)
    env["JUPYTER_PATH"] = os.pathsep.join(
        [str(data_dir), *filter(None, [os.environ.get("JUPYTER_PATH")])]
    )
    env.pop("JUPYTER_TOKEN", None)
    if scenario is not None:
        env["ALLIANCE_SIM_SCENARIO"] = str(scenario.resolve())
    if replicates is not None:
        env["ALLIANCE_SIM_REPLICATES"] = str(replicates)
    env[guarded.TOKEN_VARIABLE] = token
    env[guarded.PARENT_VARIABLE] = str(os.getpid())
    env[guarded.READY_VARIABLE] = str(ready_fd)
    return env


def port_problem(port: int) -> str | None:
    """Why HOST:port cannot be listened on (one line), or None if it is free."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as Tornado does
        try:
            probe.bind((HOST, port))
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                return (
                    f"port {port} on {HOST} is taken by another program; choose another with --port"
                )
            return f"cannot listen on {HOST}:{port}: {error.strerror}"
    return None


def _port(text: str) -> int:
    port = int(text) if text.isdigit() else 0
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"expected a port number from 1 to 65535, got {text!r}")
    return port


class Stopped(Exception):
    """The explorer was asked to stop (SIGTERM, SIGINT or SIGHUP)."""


def _stop(signum: int, frame: object) -> None:
    raise Stopped(signum)


STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)


def serving_url(ready_fd: int) -> str | None:
    """The URL the server writes on its pipe once it listens; None if it exits first."""
    with os.fdopen(ready_fd, encoding="utf-8") as ready:
        url = ready.readline().strip()
    return url or None


def shut_down(process: subprocess.Popen) -> None:
    """Stop the server (SIGTERM: Voila shuts its kernels down); kill its process group
    if it has not ended within STOP_SECONDS. Further stop signals are ignored meanwhile."""
    for number in STOP_SIGNALS:
        signal.signal(number, signal.SIG_IGN)
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def main(argv: list[str] | None = None, prog: str = "alliance-sim explore") -> int:
    parser = argparse.ArgumentParser(
        prog=prog,
        epilog=EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Serve the what-if explorer (notebooks/explorer.ipynb) with Voila on "
        f"{HOST}: sliders for the main drivers, the scenario B = A + changes run against A "
        "on common random numbers. The printed address carries a secret for this launch; "
        "requests without it, from another host name or from pages of another origin are "
        "refused. 'Save as' writes only into the starting scenario's folder. "
        "Stop it with Ctrl-C.",
    )
    parser.add_argument(
        "scenario",
        type=Path,
        nargs="?",
        help="starting scenario (default: scenarios/baseline.yaml)",
    )
    parser.add_argument("--port", type=_port, default=8866, help="port (default 8866)")
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
    problem = port_problem(args.port)
    if problem is not None:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    for number in STOP_SIGNALS:
        signal.signal(number, _stop)
    data_dir = Path(tempfile.mkdtemp(prefix="alliance-sim-voila-"))
    process = None
    try:
        offline_template(data_dir)
        kernel_spec(data_dir)
        ready_fd, ready_write = os.pipe()
        token = secrets.token_urlsafe(24)
        process = subprocess.Popen(
            voila_command(args.port),
            env=environment(data_dir, args.scenario, args.replicates, token, ready_write),
            pass_fds=(ready_write,),
            start_new_session=True,  # Ctrl-C reaches this process, which stops the server
        )
        os.close(ready_write)
        url = serving_url(ready_fd)
        if url is None:
            status = process.wait()
            problem = port_problem(args.port) or f"the explorer server stopped (exit {status})"
            print(f"error: {problem}", file=sys.stderr)
            return 2
        print(f"The explorer: {url} (Ctrl-C stops it)", flush=True)
        if args.open:
            webbrowser.open(url)
        return process.wait()
    except Stopped:
        return 0
    finally:
        if process is not None:
            shut_down(process)
        shutil.rmtree(data_dir, ignore_errors=True)
