"""The command line: thin wrappers that parse arguments, call accord.api, and print."""

from accord.cli.app import app, main

__all__ = ["app", "main"]
