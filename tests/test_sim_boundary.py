"""The simulator boundary is a contract: outside labsim, nothing reads an engine's raw fields. Experts,
the reach check, the safety monitor and the runtime see a running scene through its typed query surface
(`labsim.query.SimQuery`: kinematics, collision queries on scratch state, poses, device state), so a
second backend runs them unchanged (labsim/backend.py).

mypy holds code that types its environment as a `SimQuery` to that already (the Protocol has no `model`
or `data`); this scan also catches code that takes the environment as `Any`, or passes it on under
another name. It flags every attribute `.model` or `.data` (so `env.ik.data` too) and every
`getattr(x, "model" | "data")` in the packages above labsim's layer or beside it, whatever the object:
the few that are not a simulator's are listed in NOT_ENGINE by file and object, each with its reason,
and an entry that no longer occurs fails too, so the list can only shrink."""

from __future__ import annotations

import ast
from collections import defaultdict

from tests.conftest import ROOT
from tests.helpers.imports import absolute_imports
from tests.helpers.layers import LAYERS

ENGINE_FIELDS = {"model", "data"}
INSIDE = {"labsim"}  # the engine's own package: the one place its model and data are read
SCANNED = sorted(package for layer in LAYERS for package in layer if package not in INSIDE)

DATASET = "a floor policy's recorded demonstrations (labc.runtime.floors.FloorData)"
NETWORK = "the LabVLA torch network (or transformers' inner model), not an engine's"
# (file, object) -> why its `.model` / `.data` is not a simulator's. Keep it short: an environment's
# fields never belong here, whatever the object is called.
NOT_ENGINE: dict[tuple[str, str], str] = {
    ("labc/commands/run.py", "agent"): DATASET,
    ("labc/commands/synthesize.py", "Workspace.resolve(workspace)"): "the workspace's datasets folder",
    ("labc/commands/train.py", "ws"): "the workspace's datasets folder",
    ("labc/runtime/bench.py", "spec"): "a policy spec's dataset path (for replay and nearest)",
    ("labc/runtime/bench.py", "floor"): DATASET,
    ("labc/runtime/floors.py", "self"): DATASET,
    ("labvla/model.py", "self.backbone"): NETWORK,
    ("labvla/policy.py", "self"): NETWORK,
    ("labvla/policy.py", "self.loaded"): NETWORK,
    ("labvla/train.py", "loaded"): NETWORK,
    ("labvla/train.py", "opts"): "the training options' dataset paths",
    ("labvla/train.py", "torch.utils"): "the torch.utils.data module",
}


def field_reads(tree: ast.AST) -> list[tuple[str, int, str]]:
    """(object, line, expression) of every `.model` / `.data` read and `getattr` of them in `tree`."""
    reads = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in ENGINE_FIELDS:
            owner = node.value
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "getattr"
            and len(node.args) >= 2
            and isinstance(node.args[1], ast.Constant)
            and node.args[1].value in ENGINE_FIELDS
        ):
            owner = node.args[0]
        else:
            continue
        reads.append((ast.unparse(owner), node.lineno, ast.unparse(node)))
    return reads


def engine_field_reads() -> dict[tuple[str, str], list[str]]:
    """(file, object) -> the places (file:line: expression) that read `.model` or `.data` of it."""
    found: dict[tuple[str, str], list[str]] = defaultdict(list)
    for package in SCANNED:
        for path in sorted((ROOT / package).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            for owner, line, expr in field_reads(
                ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            ):
                found[rel, owner].append(f"{rel}:{line}: {expr}")
    return found


def test_nothing_outside_labsim_reads_an_engines_model_or_data() -> None:
    leaks = {key: places for key, places in engine_field_reads().items() if key not in NOT_ENGINE}
    assert leaks == {}, "raw engine fields read outside labsim: use labsim.query.SimQuery instead"


def test_the_exceptions_still_occur() -> None:
    found = engine_field_reads()
    gone = [key for key in NOT_ENGINE if key not in found]
    assert gone == [], "these exceptions no longer occur: remove them from NOT_ENGINE"


def test_the_scan_sees_a_leak_under_any_name() -> None:
    """Renaming does not hide a read: the engine's fields reached through the environment, through an
    expert's arm, through the IK's scratch data, through an alias or through getattr all count."""
    source = (
        "def f(env, arm):\n"
        "    model, data = env.model, arm.env.ik.data\n"
        "    sim = env\n"
        "    return sim.data.qpos, getattr(env, 'model'), env.body_pos('b1')\n"
    )
    owners = sorted(owner for owner, _, _ in field_reads(ast.parse(source)))
    assert owners == ["arm.env.ik", "env", "env", "sim"]


def engine_imports(tree: ast.AST) -> list[int]:
    """Lines that import the MuJoCo engine (`import mujoco`, `from mujoco import ...`, submodules too)."""
    return [line for package, line in absolute_imports(tree) if package == "mujoco"]


def test_only_labsim_imports_the_engine() -> None:
    """Pure maths on poses included (labsim.rotations): a second backend must not need MuJoCo installed
    for the experts, the runtime or the policy to import."""
    found = [
        f"{path.relative_to(ROOT).as_posix()}:{line}"
        for package in SCANNED
        for path in sorted((ROOT / package).rglob("*.py"))
        for line in engine_imports(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)))
    ]
    assert found == []


def test_the_import_scan_sees_every_spelling() -> None:
    source = "import mujoco\nimport mujoco.viewer as v\nfrom mujoco import mjtObj\nimport numpy\n"
    assert engine_imports(ast.parse(source)) == [1, 2, 3]
