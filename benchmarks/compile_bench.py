"""Compile speed.

Prints in-process compile time and time per skill node for (a) a 96-well transfer with a new tip per
well (about 400 nodes) and (b) a 6,000-statement protocol (15,000 nodes; the compiler refuses more
than 20,000), so growth can be read as the ratio of the two per-node times (near 1 means linear); then the cold `labc compile` process time on (a)
(target under 0.5 s), best of several runs.

With `--opentrons PYTHON` (the interpreter of a venv with `pip install opentrons`; opentrons 10
needs Python >= 3.12), it also runs `opentrons_simulate` on the same work written for an Opentrons
Flex (96 transfers of 100 uL, a new tip each: 385 run-log lines against labc's 386 nodes),
interleaved with labc's runs, and prints both wall and CPU (user + sys) time and their ratios
(issue 15 asks for >= 10x). Both run with a bytecode cache (PYTHONPYCACHEPREFIX in a temp folder,
PYTHONDONTWRITEBYTECODE removed), as an installed tool would; one unmeasured run of each first fills
it and the tools' own caches (lark's grammar, labc's parsed catalog, here in a temp LABC_CACHE_DIR);
opentrons' settings go to a temp folder (OT_API_CONFIG_DIR). Wall times stretch with the machine's
load, which is printed before and after: compare ratios from one run. The last figures measured are in
docs/results.md ("Compile speed").

    .venv/bin/python benchmarks/compile_bench.py [--statements N] [--runs N] [--opentrons PYTHON]
"""

from __future__ import annotations

import argparse
import os
import resource
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


OPENTRONS_PLATE = """from opentrons import protocol_api

metadata = {"protocolName": "plate_fill"}
requirements = {"robotType": "Flex", "apiLevel": "2.20"}


def run(protocol: protocol_api.ProtocolContext) -> None:
    tips = protocol.load_labware("opentrons_flex_96_tiprack_200ul", "D1")
    res = protocol.load_labware("nest_12_reservoir_15ml", "D2")
    plate = protocol.load_labware("corning_96_wellplate_360ul_flat", "C2")
    protocol.load_trash_bin("A3")
    pipette = protocol.load_instrument("flex_1channel_1000", "left", tip_racks=[tips])
    pipette.transfer(100, res["A1"], plate.wells(), new_tip="always")
"""


def process_times(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall, cpu) seconds of one run of `command`; cpu is the child's user + sys time."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, cwd=ROOT, env=env)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


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
    parser.add_argument("--statements", type=int, default=6_000, help="at most 8000: 20000 skill nodes")
    parser.add_argument("--runs", type=int, default=5, help="cold process runs of each command")
    parser.add_argument("--opentrons", default=None, help="python of a venv where opentrons is installed")
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
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = str(Path(tmp) / "pycache")
        env["OT_API_CONFIG_DIR"] = str(Path(tmp) / "opentrons")
        env["LABC_CACHE_DIR"] = str(Path(tmp) / "labc-cache")
        labc = [sys.executable, "-m", "labc.cli", "compile", str(plate), "--workspace", str(Path(tmp) / "ws")]
        commands = {"labc compile": labc}
        if args.opentrons:
            ot = Path(tmp) / "plate_fill_ot.py"
            ot.write_text(OPENTRONS_PLATE)
            commands["opentrons_simulate"] = [args.opentrons, "-m", "opentrons.simulate", str(ot)]
        print(f"load average before: {os.getloadavg()[0]:.2f}")
        for command in commands.values():
            process_times(command, env)  # fill the bytecode caches (and lark's, the catalog's)
        runs: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
        for _ in range(args.runs):
            for name, command in commands.items():
                runs[name].append(process_times(command, env))
        print(f"load average after: {os.getloadavg()[0]:.2f}")
        best = {name: (min(w for w, _ in r), min(c for _, c in r)) for name, r in runs.items()}
        for name, (wall, cpu) in best.items():
            print(
                f"cold `{name}` (96-well): {wall * 1e3:6.0f} ms wall, {cpu * 1e3:6.0f} ms cpu  best of {args.runs}"
            )
        if args.opentrons:
            (lw, lc), (ow, oc) = best["labc compile"], best["opentrons_simulate"]
            print(
                f"labc is {ow / lw:.1f}x faster (wall), {oc / lc:.1f}x (cpu) than opentrons_simulate  (goal >= 10x)"
            )
        else:
            print("(target < 500 ms; --opentrons PYTHON adds the side-by-side comparison)")


if __name__ == "__main__":
    main()
