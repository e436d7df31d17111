"""`python -m sim ...` and the `alliance-sim` console script: run, compare, sweep, validate,
explore (see `alliance-sim --help`)."""

import sys

from sim.cli import main as cli_main


def main(argv: list[str] | None = None) -> int:
    return cli_main(argv, prog="alliance-sim")


if __name__ == "__main__":
    sys.exit(main())
