"""The design's entry point: `python run.py ...` is `alliance-sim ...` (`python run.py --help`
lists the commands; `python run.py X.yaml` runs a scenario)."""

import os
import sys

from sim.cli import INTERRUPTED, main

if __name__ == "__main__":
    status = main()
    if status in INTERRUPTED:  # the job is stopped and marked: leave without waiting for
        sys.stdout.flush()  # threads that may still be finishing a chunk
        sys.stderr.flush()
        os._exit(status)
    sys.exit(status)
