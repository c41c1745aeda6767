"""Bench statistics against published values: Newcombe (1998) method 10, and the pooled z-test."""

from __future__ import annotations

import pytest

from labc.runtime.stats import newcombe_difference, two_proportion_p, wilson


@pytest.mark.parametrize(
    ("counts", "diff", "low", "high"),
    [
        # Newcombe, Statistics in Medicine 17:873-890 (1998), Table II, method 10 (hybrid score)
        ((56, 70, 48, 80), 0.2000, 0.0524, 0.3339),
        ((9, 10, 3, 10), 0.6000, 0.1705, 0.8090),
        ((5, 56, 0, 29), 0.0893, -0.0381, 0.1926),
    ],
)
def test_newcombe_hybrid_score_interval_matches_the_paper(counts, diff, low, high):
    d, lo, hi = newcombe_difference(*counts)
    assert (d, lo, hi) == pytest.approx((diff, low, high), abs=1e-4)


def test_newcombe_interval_is_antisymmetric_and_stays_in_range():
    d, lo, hi = newcombe_difference(3, 20, 11, 20)
    d2, lo2, hi2 = newcombe_difference(11, 20, 3, 20)
    assert (d2, lo2, hi2) == pytest.approx((-d, -hi, -lo))
    assert newcombe_difference(20, 20, 0, 20)[2] <= 1.0 and newcombe_difference(0, 20, 20, 20)[1] >= -1.0
    # it is built from the Wilson intervals: with no difference it still has the width of both
    d, lo, hi = newcombe_difference(0, 10, 0, 20)
    assert d == 0.0 and hi == pytest.approx(wilson(0, 10)[1]) and lo == pytest.approx(-wilson(0, 20)[1])


@pytest.mark.parametrize(
    ("counts", "p"),
    [
        ((56, 70, 48, 80), 0.00804),  # z = 2.650 on the pooled rate 104/150
        ((9, 10, 3, 10), 0.00617),  # z = 2.739
        ((10, 20, 10, 20), 1.0),
        ((0, 10, 0, 20), 1.0),  # no variance: no evidence of a difference
        ((20, 20, 20, 20), 1.0),
    ],
)
def test_two_proportion_p_value(counts, p):
    assert two_proportion_p(*counts) == pytest.approx(p, abs=5e-5)


def test_p_value_agrees_with_scipy_chi_square():
    stats = pytest.importorskip("scipy.stats")
    for k1, n1, k2, n2 in [(3, 20, 11, 20), (17, 20, 12, 20), (1, 24, 6, 24)]:
        table = [[k1, n1 - k1], [k2, n2 - k2]]
        expected = stats.chi2_contingency(table, correction=False).pvalue
        assert two_proportion_p(k1, n1, k2, n2) == pytest.approx(expected, rel=1e-9)


def test_empty_sides_are_refused():
    with pytest.raises(ValueError):
        newcombe_difference(0, 0, 1, 2)
    with pytest.raises(ValueError):
        two_proportion_p(1, 2, 0, 0)
