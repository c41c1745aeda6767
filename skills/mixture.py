"""Liquid as a mixture `{liquid name: volume in uL}`; every transfer moves a proportional share.

Pipetting 50 uL out of a well holding 100 uL water and 100 uL sample takes 25 uL of each, so liquid
identity survives any sequence of pours and pipetting, and the total is conserved exactly up to
float rounding (entries below `EPSILON_UL` are dropped so empty vessels read as empty).
"""

from __future__ import annotations

Mixture = dict[str, float]

EPSILON_UL = 1e-6


def total(mixture: Mixture) -> float:
    return sum(mixture.values())


def add(into: Mixture, other: Mixture) -> None:
    """Pour `other` into `into` (mutates `into`)."""
    for liquid, volume in other.items():
        into[liquid] = into.get(liquid, 0.0) + volume


def take(mixture: Mixture, volume_ul: float) -> Mixture:
    """Remove `volume_ul` proportionally from `mixture` (mutates it) and return what was removed.

    Taking more than the mixture holds takes everything; callers check quantities first.
    """
    available = total(mixture)
    if available <= 0.0 or volume_ul <= 0.0:
        return {}
    if volume_ul >= available - EPSILON_UL:
        removed = dict(mixture)
        mixture.clear()
        return removed
    removed = {}
    for liquid in list(mixture):
        share = mixture[liquid] * volume_ul / available  # exact for a single liquid
        removed[liquid] = share
        remaining = mixture[liquid] - share
        if remaining < EPSILON_UL:
            del mixture[liquid]
        else:
            mixture[liquid] = remaining
    return removed


def describe(mixture: Mixture) -> str:
    """Liquid names for an instruction: "water", "water and sample", "buffer, salt and water"."""
    names = sorted(mixture, key=lambda name: (-mixture[name], name))
    if not names:
        return "liquid"
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " and " + names[-1]
