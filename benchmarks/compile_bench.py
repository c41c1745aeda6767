"""Compile speed.

Prints in-process compile time and time per skill node for (a) a 96-well transfer with a new tip per
well (about 400 nodes) and (b) a 10,000-statement protocol, so growth can be read as the ratio of the
two per-node times (near 1 means linear); then the cold `labc compile` process time on (a)
(target under 0.5 s), best of several runs.

    .venv/bin/python benchmarks/compile_bench.py [--statements N]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from compiler import compile_file  # noqa: E402

PLATE = """labc 1
protocol plate_fill "Fill a 96-well plate from a reservoir with a new tip for every well."
labware tips: tiprack_200ul at bench/slot1
labware res: reservoir_12 at bench/slot2 { A1: 15 mL buffer }
labware plate: plate_96 at bench/slot6
instrument pipette: pipette_p200 at bench/stand using tips

transfer 100 uL from res.A1 to plate.A1..H12 new tip always
"""

LONG_HEAD = """labc 1
protocol long_run "Many small pours and shakes."
labware b1: beaker_500ml at bench/left { 400 mL water }
labware b2: beaker_500ml at bench/right { 50 mL water }

"""
LONG_STEPS = ["pour 1 mL from b1 into b2", "pour 1 mL from b2 into b1", "wait 1 s", "shake b1 for 2 s"]


def timed(path: Path, repeat: int) -> tuple[float, int]:
    best, nodes = float("inf"), 0
    for _ in range(repeat):
        start = time.perf_counter()
        result = compile_file(path)
        best = min(best, time.perf_counter() - start)
        assert result.ok, [d.message for d in result.diagnostics][:3]
        nodes = len(result.compiled.nodes)
    return best, nodes


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--statements", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        plate = Path(tmp) / "plate.lab"
        plate.write_text(PLATE)
        long = Path(tmp) / "long.lab"
        long.write_text(LONG_HEAD + "".join(f"{LONG_STEPS[i % 4]}\n" for i in range(args.statements)))
        compile_file(plate)  # warm imports and the catalog
        small_t, small_n = timed(plate, 5)
        big_t, big_n = timed(long, 1)
        print(
            f"96-well, new tip per well: {small_n:6d} nodes  {small_t * 1e3:8.1f} ms  {small_t / small_n * 1e6:7.1f} us/node"
        )
        print(
            f"{args.statements}-statement protocol: {big_n:6d} nodes  {big_t * 1e3:8.1f} ms  {big_t / big_n * 1e6:7.1f} us/node"
        )
        print(
            f"growth (per-node time, large / small): {(big_t / big_n) / (small_t / small_n):.2f}x  (near 1: linear)"
        )
        runs = []
        for _ in range(5):
            start = time.perf_counter()
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "labc.cli",
                    "compile",
                    str(plate),
                    "--workspace",
                    str(Path(tmp) / "ws"),
                ],
                check=True,
                capture_output=True,
                cwd=ROOT,
            )
            runs.append(time.perf_counter() - start)
        print(f"cold `labc compile` (96-well): {min(runs) * 1e3:.0f} ms best of 5  (target < 500 ms)")


if __name__ == "__main__":
    main()
