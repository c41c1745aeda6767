"""Parse speed of the protocol language.

Prints, for a generated 10,000-step protocol: the time of `yaml.safe_load` on the YAML file (the
baseline), of labc's full parse of the YAML surface and of the `.lab` surface, and their ratios to
the baseline (target: within 3x); then the cold-process time of `labc parse` on a small file
(target: under 0.3 s), measured as the best of several runs.

    .venv/bin/python benchmarks/parse_bench.py [--steps N]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from protocol_lang import parse_text  # noqa: E402
from protocol_lang.formatter import to_lab  # noqa: E402

STEPS = [
    "transfer {volume} from reservoir.A1 to plate.A2..A12",
    "transfer 50 uL from plate.A1 to plate.A2 mixing 3 times new tip always",
    "heat beaker_1 on hotplate to 60 C for 5 min",
    "pour 20 mL from beaker_1 into beaker_2",
    "shake flask_1 for 30 s",
    "stir beaker_2 with rod for 1 min",
    "put beaker_2 into oven",
    "open oven.door",
    "pick beaker_1",
    "place beaker_1 on bench_mat",
]


def generate_yaml(n: int) -> str:
    head = (ROOT / "examples" / "serial_dilution.yaml").read_text().split("steps:")[0]
    body = "".join(f"  - {STEPS[i % len(STEPS)]}\n" for i in range(n))
    return head + "steps:\n" + body


def best_of(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--steps", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    yaml_text = generate_yaml(args.steps)
    protocol = parse_text(yaml_text, "bench.yaml").protocol  # warm the grammar and the unit table
    lab_text = to_lab(protocol)
    baseline = best_of(lambda: yaml.safe_load(yaml_text), args.repeat)
    yaml_time = best_of(lambda: parse_text(yaml_text, "bench.yaml"), args.repeat)
    lab_time = best_of(lambda: parse_text(lab_text, "bench.lab"), args.repeat)
    print(f"protocol: {args.steps} steps, {len(yaml_text) / 1e6:.2f} MB of YAML")
    print(f"yaml.safe_load (baseline)   {baseline * 1e3:8.1f} ms")
    print(
        f"labc parse, .yaml surface   {yaml_time * 1e3:8.1f} ms   ratio {yaml_time / baseline:5.2f}x  (target <= 3x)"
    )
    print(
        f"labc parse, .lab surface    {lab_time * 1e3:8.1f} ms   ratio {lab_time / baseline:5.2f}x  (target <= 3x)"
    )
    print(f"per step (.lab)             {lab_time / args.steps * 1e6:8.1f} us")

    with tempfile.TemporaryDirectory() as tmp:
        small = Path(tmp) / "p.yaml"
        small.write_text((ROOT / "examples" / "pipette_protocol.yaml").read_text())
        runs = []
        for _ in range(7):
            start = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "labc.cli", "parse", str(small)],
                check=True,
                capture_output=True,
                cwd=ROOT,
            )
            runs.append(time.perf_counter() - start)
        bare = []
        for _ in range(7):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-c", "pass"], check=True)
            bare.append(time.perf_counter() - start)
    print(
        f"cold `labc parse` process   {min(runs) * 1e3:8.1f} ms (median {statistics.median(runs) * 1e3:.1f})  (target < 300 ms)"
    )
    print(f"bare python startup         {min(bare) * 1e3:8.1f} ms   ratio {min(runs) / min(bare):5.1f}x")


if __name__ == "__main__":
    main()
