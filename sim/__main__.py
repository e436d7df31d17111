"""`python -m sim ...` and the `alliance-sim` console script (`alliance-sim --help` lists the
commands)."""

import sys

from sim.cli import main as cli_main


def main(argv: list[str] | None = None) -> int:
    return cli_main(argv, prog="alliance-sim")


if __name__ == "__main__":
    sys.exit(main())
