"""Is the suite solvable? Bench the scripted expert on every level-1 and level-2 task (and level 3, the
level-2 tasks on held-out values), and put the measured table into the results page.

The table goes between `<!-- expert-suite -->` markers in `docs/results.md` (appended when absent),
with the exact command, so rerunning this script replaces it rather than adding another.

Usage: python examples/recipes/expert_suite.py [--episodes 20] [--robots franka,ur5] [--workers 2]
       [--seed S]   (episode k of every cell on seed S+k: check on seeds nobody debugged on)
"""

from __future__ import annotations

import argparse
import json
import re
import shlex
import subprocess
import sys
import time
from pathlib import Path

from pick_press import source_commit  # this folder is on sys.path when run as a script

from labinfra.atomic import write_text

ROOT = Path(__file__).resolve().parents[2]
MARK = "<!-- expert-suite -->"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--episodes", type=int, default=20, help="per task, robot and split")
    p.add_argument("--robots", default="franka,ur5")
    p.add_argument("--levels", default="1,2,3")
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--seed", type=int, default=None, help="start seed (labc bench --seed)")
    p.add_argument("--workspace", default="labc-out/expert-suite")
    p.add_argument("--results", default=str(ROOT / "docs" / "results.md"))
    args = p.parse_args(argv)
    out = Path(args.workspace) / "runs" / "bench"
    argv_bench = [
        "bench", "--suite", "labutopia", "--levels", args.levels, "--policy", "expert",
        "--episodes", str(args.episodes), "--split", "id", "--robots", args.robots,
        "--workers", str(args.workers), "--quiet", "--out", str(out), "--name", "expert_suite",
        "--workspace", args.workspace,
    ]  # fmt: skip
    if args.seed is not None:
        argv_bench += ["--seed", str(args.seed)]
    command = "labc " + " ".join(shlex.quote(a) for a in argv_bench)
    print(f"$ {command}", flush=True)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "labc.cli", *argv_bench], cwd=ROOT, check=True)
    seconds = time.perf_counter() - started
    report = json.loads((out / "expert_suite.json").read_text())
    below = [r for r in report["rows"] if r["level"] in (1, 2) and r["rate"] < 0.95]
    low = [f"{r['task']} L{r['level']} ({100 * r['rate']:.0f}%)" for r in below]
    reasons: dict[str, int] = {}
    for e in report["episodes"]:
        if not e["success"]:
            key = f"{e['task']}/{e['robot']}: {e['stop_reason']}"
            reasons[key] = reasons.get(key, 0) + 1
    section = [
        MARK,
        "## The scripted expert on the suite (is it solvable?)",
        "",
        f"Command ({seconds:.0f} s, code at commit {source_commit()}):",
        "",
        "```bash",
        command,
        "```",
        "",
        (out / "expert_suite.md").read_text().strip(),
        "",
        f"Level-1 and level-2 rows under 95%: {', '.join(low) or 'none'}.",
        "",
        "Failures by task, robot and reason: "
        + (", ".join(f"{k} x{v}" for k, v in sorted(reasons.items())) or "none")
        + ".",
        MARK,
    ]
    page = Path(args.results)
    text = page.read_text() if page.exists() else "# Results\n"
    block = "\n".join(section)
    pattern = re.compile(re.escape(MARK) + ".*?" + re.escape(MARK), re.S)
    text = pattern.sub(lambda _: block, text) if MARK in text else text.rstrip() + "\n\n" + block + "\n"
    write_text(page, text)
    print(f"results: {page}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
