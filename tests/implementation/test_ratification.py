"""Ratification (Putnam 1988; Iida 1993): exact P(ratify) against hand computation and the per-run rule."""

from __future__ import annotations

import numpy as np
import pytest

from accord.implementation import ratification as RT

# Pivot ideal points on a midpoint grid of U[0, 1]: the share of grid points that ratify is the integral.
GRID = (np.arange(100_000) + 0.5) / 100_000


@pytest.mark.parametrize(
    ("deal", "sq", "expected"),
    [
        (0.6, 0.0, 0.7),  # ratifies iff r >= 0.3
        (0.2, 0.5, 0.35),  # ratifies iff r <= 0.35
        (1.0, 0.9, 0.05),  # r >= 0.95
        (0.4, 0.4, 1.0),  # the deal is the status quo
        (2.0, 1.6, 0.0),  # midpoint 1.8 beyond every pivot
    ],
)
def test_spatial_p_ratify_by_hand_and_by_the_rule(deal, sq, expected):
    assert RT.p_ratify_spatial_uniform(deal, sq, 0.0, 1.0) == pytest.approx(expected)
    got = RT.ratifies_spatial(np.full(GRID.size, deal), np.full(GRID.size, sq), GRID).mean()
    assert got == pytest.approx(expected, abs=1e-4)


def test_spatial_on_another_interval():
    # r ~ U[0.2, 0.6], deal 0.5 over q = 0.1: ratifies iff r >= 0.3 -> (0.6 - 0.3)/0.4 = 0.75
    assert RT.p_ratify_spatial_uniform(0.5, 0.1, 0.2, 0.6) == pytest.approx(0.75)


def test_threshold_form_is_the_cdf_of_the_threshold():
    gain = np.array([-0.1, 0.0, 0.05, 0.15, 0.3])
    # theta ~ U[0, 0.2]: F(gain) = clip(gain / 0.2)
    assert RT.p_ratify_threshold_uniform(gain, 0.0, 0.2) == pytest.approx([0, 0, 0.25, 0.75, 1.0])
    theta = 0.2 * GRID
    got = RT.ratifies_threshold(gain[:, None], theta[None, :]).mean(axis=1)
    assert got == pytest.approx([0, 0, 0.25, 0.75, 1.0], abs=1e-4)
