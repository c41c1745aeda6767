"""The lab vocabulary: symbolic lab state, atomic skills and the operations lowered to them.

Import what you need from here or from the defining modules; nothing in this package imports torch,
mujoco, the simulator or the compiler, so `labc compile` stays light. The catalog and well grids it
reasons about are `labdata`'s (re-exported here for the skills' callers).
"""

from labdata.catalog import Catalog, LabwareType, UnknownType, load_catalog
from skills.codes import CODES, Violation
from skills.execution import StepResult, run_skill
from skills.final_checks import final_checks
from skills.registry import SKILLS, SkillParams, get_skill
from skills.state import Declaration, DeclarationError, LabState

__all__ = [
    "CODES",
    "SKILLS",
    "Catalog",
    "Declaration",
    "DeclarationError",
    "LabState",
    "LabwareType",
    "SkillParams",
    "StepResult",
    "UnknownType",
    "Violation",
    "final_checks",
    "get_skill",
    "load_catalog",
    "run_skill",
]
