"""`labc bench compare`: are two policies' success rates on a cell really different?

Bench reports (the JSON `labc bench` writes) are compared cell by cell, every later report against the
first one (the baseline): per (level, task, split) pooled over robots, and per robot when the reports
hold several. Each row gives both counts, the difference in percentage points with Newcombe's 95% hybrid
score interval, and the two-sided p-value of the two-proportion test; a difference is marked significant
when p < 0.05. With the tens of episodes a CPU bench affords, most differences of a few episodes are not,
and the table says so rather than letting a reader rank noise.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from labc.runtime.bench import BenchReport, EpisodeRecord
from labc.runtime.stats import ALPHA, newcombe_difference, two_proportion_p

POOLED = "all"


class CompareError(ValueError):
    """A file that is not a bench report, or reports with no cell in common."""


class Difference(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    level: int
    task: str
    split: str
    robot: str  # a robot profile, or POOLED
    baseline: tuple[int, int]  # (successes, episodes)
    other: tuple[int, int]
    difference: float  # other rate - baseline rate
    ci95: tuple[float, float]
    p_value: float

    @property
    def significant(self) -> bool:
        return self.p_value < ALPHA


def load_report(path: Path) -> BenchReport:
    try:
        return BenchReport.model_validate_json(path.read_text())
    except OSError as exc:
        raise CompareError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except ValidationError as exc:
        raise CompareError(f"{path}: not a `labc bench` result file ({exc.error_count()} problems)") from None


Cell = tuple[int, str, str, str]  # level, task, split, robot


def counts(episodes: Iterable[EpisodeRecord], per_robot: bool) -> dict[Cell, tuple[int, int]]:
    """(successes, episodes) per cell, pooled over robots and, if asked, per robot too."""
    out: dict[Cell, list[int]] = {}
    for e in episodes:
        keys = [(e.level, e.task, e.split, POOLED)]
        if per_robot:
            keys.append((e.level, e.task, e.split, e.robot))
        for key in keys:
            k_n = out.setdefault(key, [0, 0])
            k_n[0] += int(e.success)
            k_n[1] += 1
    return {key: (k, n) for key, (k, n) in out.items()}


def differences(baseline: BenchReport, other: BenchReport) -> list[Difference]:
    """Every cell both reports have, in the baseline's order."""
    per_robot = len(set(baseline.robots) | set(other.robots)) > 1
    a, b = counts(baseline.episodes, per_robot), counts(other.episodes, per_robot)
    rows = []
    for cell in [c for c in a if c in b]:
        (k_new, n_new), (k_base, n_base) = b[cell], a[cell]
        d, low, high = newcombe_difference(k_new, n_new, k_base, n_base)
        level, task, split, robot = cell
        rows.append(
            Difference(
                level=level,
                task=task,
                split=split,
                robot=robot,
                baseline=(k_base, n_base),
                other=(k_new, n_new),
                difference=d,
                ci95=(low, high),
                p_value=two_proportion_p(k_new, n_new, k_base, n_base),
            )
        )
    return rows


def _pp(x: float) -> str:
    return f"{100 * x:+.1f}"


def table(base_name: str, other_name: str, rows: list[Difference]) -> str:
    head = (
        f"| level | task | split | robot | {base_name} | {other_name} | difference (pp) "
        "| 95% CI (Newcombe) | p | significant |"
    )
    lines = [head, "|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(
            f"| {r.level} | {r.task} | {r.split} | {r.robot} | {r.baseline[0]}/{r.baseline[1]} "
            f"| {r.other[0]}/{r.other[1]} | {_pp(r.difference)} | [{_pp(r.ci95[0])}, {_pp(r.ci95[1])}] "
            f"| {r.p_value:.3f} | {'yes *' if r.significant else 'no'} |"
        )
    n_sig = sum(r.significant for r in rows)
    lines.append(
        f"\n{other_name} vs {base_name}: {n_sig} of {len(rows)} differences significant at {ALPHA:g} "
        "(two-sided two-proportion test)"
    )
    return "\n".join(lines)


def compare(paths: list[Path]) -> str:
    """The markdown tables of every report after the first against the first."""
    if len(paths) < 2:
        raise CompareError("compare needs at least two bench result files (the first is the baseline)")
    reports = [load_report(p) for p in paths]
    names = [p.stem for p in paths]
    if len(set(names)) < len(names):
        names = [str(p) for p in paths]
    out = []
    for name, report in zip(names[1:], reports[1:], strict=True):
        rows = differences(reports[0], report)
        if not rows:
            raise CompareError(f"{name} and {names[0]} have no (task, split) cell in common")
        notes = []
        if set(report.robots) != set(reports[0].robots):
            notes.append(
                f"note: robots differ ({', '.join(reports[0].robots)} vs {', '.join(report.robots)}); "
                f"the pooled '{POOLED}' rows mix them"
            )
        out.append("\n".join([*notes, table(names[0], name, rows)]))
    return "\n\n".join(out)
