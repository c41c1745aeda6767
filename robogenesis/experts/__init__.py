"""RoboGenesis scripted experts: one controller per atomic skill, written once against the robot
profile interface (grasp and approach poses from catalog geometry, waypoints in object frames, IK,
minimum-jerk joint trajectories) so the same code drives every robot profile.

`robogenesis.experts.registry.get_expert(name, options)` returns the expert for a skill; its
`actions(env, params, rng)` yields joint-target actions until the skill is done, reading the
simulation as it goes. Importing this package is cheap; the registry imports MuJoCo.
"""

from robogenesis.experts.base import Expert, ExpertOptions, PlanningError

__all__ = ["Expert", "ExpertOptions", "PlanningError"]
