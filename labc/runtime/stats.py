"""Success-rate statistics for benches: one proportion, and the difference of two.

Bench cells hold tens of episodes, where the textbook normal (Wald) interval misbehaves (it leaves
[0, 1], collapses to zero width at 0/n and n/n). So a rate gets the Wilson score interval, and the
difference of two rates Newcombe's hybrid score interval built from the two Wilson intervals (method 10
of Newcombe, Statistics in Medicine 17:873-890, 1998), which keeps good coverage at these counts. The
accompanying two-sided test is the pooled two-proportion z-test (the chi-square test without continuity
correction).
"""

from __future__ import annotations

import math

Z95 = 1.96  # two-sided 95%
ALPHA = 0.05


def wilson(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion; (0, 1) when there are no trials."""
    if n == 0:
        return 0.0, 1.0
    p = successes / n
    denom = 1.0 + z * z / n
    center = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return max(0.0, center - half), min(1.0, center + half)


def newcombe_difference(k1: int, n1: int, k2: int, n2: int, z: float = Z95) -> tuple[float, float, float]:
    """(p1 - p2, low, high): Newcombe's hybrid score interval for a difference of independent proportions."""
    if n1 == 0 or n2 == 0:
        raise ValueError("a difference of proportions needs trials on both sides")
    p1, p2 = k1 / n1, k2 / n2
    l1, u1 = wilson(k1, n1, z)
    l2, u2 = wilson(k2, n2, z)
    d = p1 - p2
    low = d - math.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    high = d + math.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    return d, max(-1.0, low), min(1.0, high)


def two_proportion_p(k1: int, n1: int, k2: int, n2: int) -> float:
    """Two-sided p-value of the pooled z-test of p1 = p2 (1.0 when both rates are 0 or both are 1)."""
    if n1 == 0 or n2 == 0:
        raise ValueError("a two-proportion test needs trials on both sides")
    pooled = (k1 + k2) / (n1 + n2)
    var = pooled * (1 - pooled) * (1 / n1 + 1 / n2)
    if var == 0.0:
        return 1.0
    z = (k1 / n1 - k2 / n2) / math.sqrt(var)
    return math.erfc(abs(z) / math.sqrt(2.0))
