"""The lab's static facts, in one place: labware and instrument catalog, the deck and its sites,
robot profiles, well grids, and how the lab looks (the room's layout and the randomizer's palettes).

Pure data (pydantic models over YAML files, no numpy or mujoco), so the compiler can check a
protocol's feasibility against the same facts the simulator builds its scenes from. It depends only
on `protocol_lang` (well addresses are the language's); `skills`, `labsim` and everything above read
it, and nothing here imports them.
"""
