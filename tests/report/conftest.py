"""Shared fixtures: the small scenario with uncertain numbers of the experiment tests, and data paths."""

from ..experiments.conftest import GENIUS, HANOI, ROOT, TOY, toy  # noqa: F401  (toy: a fixture)
