"""The explorer's Voila process: Voila that serves only the user who started it.

Run as `python -P guarded.py NOTEBOOK --port P ...` by sim.explore.serve, which passes
the per-launch token in the environment (ALLIANCE_SIM_TOKEN, never on the command line where
`ps` shows it) and its own process id (ALLIANCE_SIM_PARENT). On top of Voila's token check,
every request is refused before any handler runs unless:

- its Host is a localhost name with this server's port (127.0.0.1, localhost, [::1]): a
  DNS-rebinding page's Host is its own name;
- it is not sent by a page of another origin: `Sec-Fetch-Site` (sent by browsers) is absent,
  'none' or 'same-origin', and an `Origin` header, if any, is this server. Cookies do not
  tell ports apart, so without this a page on another localhost port would be logged in;
- a kernel websocket offers the v1 kernel protocol. Voila's page does; with Voila 0.5.13 and
  jupyter_server 2.21 a client offering none leaves the handler without a connection
  (AttributeError in `select_subprotocol`, then a second traceback rendering the error page);
- a page that starts a kernel finds fewer than `max_kernels` running.

Kernels idle for `cull_idle_timeout` seconds with no page connected are shut down. When the
parent process dies (even by SIGKILL) Linux sends this process SIGTERM (PR_SET_PDEATHSIG),
on which Voila shuts its kernels down; kernels also exit by themselves within a second of this
process's death (ipykernel's parent poller, JPY_PARENT_PID).
"""

import ctypes
import os
import re
import shutil
import signal
import sys
import tempfile
import threading
import time

from jupyter_core.utils import run_sync
from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from tornado import web
from tornado.httputil import HTTPServerRequest
from tornado.ioloop import IOLoop
from traitlets import Integer
from voila.app import Voila
from voila.handler import VoilaHandler

LOCAL_NAMES = ("127.0.0.1", "localhost", "[::1]")
KERNEL_PROTOCOL = "v1.kernel.websocket.jupyter.org"
TOKEN_VARIABLE = "ALLIANCE_SIM_TOKEN"
PARENT_VARIABLE = "ALLIANCE_SIM_PARENT"
READY_VARIABLE = "ALLIANCE_SIM_READY_FD"
CHANNELS = re.compile(r"^/api/kernels/[^/]+/channels$")
SAME_ORIGIN = ("none", "same-origin")


class CappedKernelManager(AsyncMappingKernelManager):
    """Voila's kernel manager with a cap on running (and starting) kernels."""

    max_kernels = Integer(2, config=True, help="most kernels running at once")
    starting = 0

    def full(self) -> bool:
        return len(self) + self.starting >= self.max_kernels

    async def start_kernel(self, *args, **kwargs) -> str:
        if self.full():
            raise web.HTTPError(503, reason="too many explorer pages open")
        self.starting += 1
        try:
            return await super().start_kernel(*args, **kwargs)
        finally:
            self.starting -= 1


class Refused(web.RequestHandler):
    """A plain-text refusal, written before anything else runs."""

    def initialize(self, status: int, reason: str) -> None:
        self.status, self.reason = status, reason

    def prepare(self) -> None:
        self.set_status(self.status)
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.finish(f"{self.reason}\n")


def refusal(request: HTTPServerRequest, port: int, kernels_full: bool) -> tuple[int, str] | None:
    """Why a request is refused (status, reason), or None to serve it."""
    hosts = {f"{name}:{port}" for name in LOCAL_NAMES}
    if request.headers.get("Host", "").lower() not in hosts:
        return 403, f"refused: Host must be one of {', '.join(sorted(hosts))}"
    if request.headers.get("Sec-Fetch-Site", "none") not in SAME_ORIGIN:
        return 403, "refused: a request from a page of another origin"
    origin = request.headers.get("Origin")
    if origin is not None and origin.lower() != f"http://{request.headers['Host'].lower()}":
        return 403, f"refused: Origin {origin} is not this server"
    if CHANNELS.match(request.path) and request.headers.get("Upgrade", "").lower() == "websocket":
        offered = request.headers.get("Sec-WebSocket-Protocol", "")
        if KERNEL_PROTOCOL not in [p.strip() for p in offered.split(",")]:
            return 400, f"refused: a kernel websocket must offer the {KERNEL_PROTOCOL} protocol"
    if kernels_full:
        return 503, "refused: too many explorer pages are open; close one and reload"
    return None


class GuardedApplication(web.Application):
    """Tornado application that refuses what `refusal` refuses before routing."""

    def __init__(self, port: int, **settings) -> None:
        super().__init__(**settings)
        self.port = port

    def find_handler(self, request: HTTPServerRequest, **kwargs) -> web._HandlerDelegate:
        delegate = super().find_handler(request, **kwargs)
        manager = self.settings["kernel_manager"]
        starts_kernel = isinstance(delegate.handler_class, type) and issubclass(
            delegate.handler_class, VoilaHandler
        )
        reason = refusal(request, self.port, starts_kernel and manager.full())
        if reason is None:
            return delegate
        status, text = reason
        return self.get_handler_delegate(request, Refused, {"status": status, "reason": text})


class GuardedVoila(Voila):
    """Voila serving through GuardedApplication, with remote access off, announcing its
    URL on the file descriptor `ready_fd` (a pipe from the parent) once it listens."""

    ready_fd = Integer(-1, help="write the URL served here once listening, then close it")

    def start(self) -> None:  # Voila.start with the guarded application
        self.connection_dir = tempfile.mkdtemp(prefix="voila_", dir=self.connection_dir_root)
        settings = self.init_settings()
        settings["allow_remote_access"] = False
        settings["local_hostnames"] = ["localhost"]
        self.app = GuardedApplication(self.port, **settings)
        self.app.settings.update(self.tornado_settings)
        self.app.add_handlers(".*$", self.init_handlers())
        IOLoop.current().add_callback(self.announce)
        self.listen()

    def stop(self) -> None:
        """Voila.stop, but each kernel shut down on its own: a kernel that ended meanwhile
        (it watches its parent, and a signal can reach both) is gone, a 404 that is no error
        when stopping, and must not abandon the others or print a traceback."""
        shutil.rmtree(self.connection_dir, ignore_errors=True)
        for kernel_id in list(self.kernel_manager.list_kernel_ids()):
            try:
                run_sync(self.kernel_manager.shutdown_kernel)(kernel_id)
            except web.HTTPError:
                self.log.info("kernel %s had already ended", kernel_id)

    def announce(self) -> None:
        """Write the URL served (with the token) to the parent's pipe and close it."""
        if self.ready_fd >= 0:
            with os.fdopen(self.ready_fd, "w") as stream:
                stream.write(f"http://127.0.0.1:{self.port}/?token={self.token}\n")


def die_with_parent(parent: int) -> None:
    """SIGTERM this process when `parent` dies: prctl(PR_SET_PDEATHSIG) on Linux, a
    one-second watchdog thread elsewhere; exit at once if the parent is already gone."""
    if sys.platform == "linux":
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM, 0, 0, 0)  # 1 = PR_SET_PDEATHSIG
    else:

        def watch() -> None:
            while os.getppid() == parent:
                time.sleep(1)
            os.kill(os.getpid(), signal.SIGTERM)

        threading.Thread(target=watch, daemon=True).start()
    if os.getppid() != parent:
        sys.exit(0)


def main(argv: list[str]) -> None:
    token = os.environ.pop(TOKEN_VARIABLE)  # kernels inherit the environment, not the token
    parent = os.environ.pop(PARENT_VARIABLE, None)
    ready_fd = int(os.environ.pop(READY_VARIABLE, -1))
    if parent is not None:
        die_with_parent(int(parent))
    GuardedVoila.launch_instance(argv, token=token, ready_fd=ready_fd)


if __name__ == "__main__":
    main(sys.argv[1:])
