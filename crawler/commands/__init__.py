"""Scrapy commands of the project (``COMMANDS_MODULE``)."""

from __future__ import annotations

import sys

USAGE_EXIT = 2  # what Scrapy and argparse exit with on a usage error


def usage_error(command: str, message: str) -> int:
    """Say what is wrong with the command line in one line on stderr (no usage
    text, no traceback); the exit status to give."""
    print(f"scrapy {command}: error: {message}", file=sys.stderr)
    return USAGE_EXIT
