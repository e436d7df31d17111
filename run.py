"""alliance-sim: run a scenario, or validate scenario files. See README.md."""

import sys

from sim.cli import main

if __name__ == "__main__":
    sys.exit(main())
