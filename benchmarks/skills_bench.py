"""Symbolic execution speed: LabState.copy() against pydantic's deep copy, and skills per second.

The compiler runs 10,000-statement protocols and snapshots states, so both numbers matter.
Run: .venv/bin/python benchmarks/skills_bench.py
"""

from __future__ import annotations

import time

from skills.examples import EXAMPLE_BENCH
from skills.execution import run_skill
from skills.operations import TransferOp, lower
from skills.state import LabState


def per_call(fn, repeat: int) -> float:
    start = time.perf_counter()
    for _ in range(repeat):
        fn()
    return (time.perf_counter() - start) / repeat


def main() -> None:
    state = LabState.initial(EXAMPLE_BENCH)
    for index in range(96):  # a full plate makes the copy realistic
        state.liquid("plate", f"{'ABCDEFGH'[index // 12]}{index % 12 + 1}")["water"] = 50.0
    ours = per_call(state.copy, 2000)
    deep = per_call(lambda: state.model_copy(deep=True), 200)
    print(
        f"LabState.copy(): {ours * 1e6:.1f} us; model_copy(deep=True): {deep * 1e6:.1f} us; ratio {deep / ours:.1f}x"
    )

    state = LabState.initial(EXAMPLE_BENCH)
    op = TransferOp(
        volume_ul=20, source="reservoir", source_wells=["A1"], target="plate", target_wells=["A1"]
    )
    steps = 0
    start = time.perf_counter()
    for _ in range(1000):
        for params in lower(op, state):
            assert run_skill(state, params).applied
            steps += 1
        state.tipracks["tips"].used.clear()  # refill rack and reservoir so every statement stays valid
        state.liquid("plate", "A1").clear()
        state.liquid("reservoir", "A1")["water"] = 10000.0
    elapsed = time.perf_counter() - start
    print(
        f"1000 transfer statements: {steps} skills in {elapsed:.2f} s ({steps / elapsed:,.0f} skills/s, lowering included)"
    )


if __name__ == "__main__":
    main()
