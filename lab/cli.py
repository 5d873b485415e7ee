"""What every `python -m lab` command shares: one-line errors for a person at a shell."""

import argparse
import sys
from typing import NoReturn


class OneLineParser(argparse.ArgumentParser):
    """argparse, but a bad argument prints one line (no usage block) and exits 2."""

    def error(self, message: str) -> None:
        sys.stderr.write(f"error: {message}\n")
        raise SystemExit(2)


def fail(message: str) -> NoReturn:
    """One line on stderr and exit code 2: the person's input or arguments are at fault."""
    sys.stderr.write(f"error: {message}\n")
    raise SystemExit(2)
