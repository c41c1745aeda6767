"""Protocol texts tests share: a bench of every kind of labware and instrument, for fixtures that add
steps after it, and a protocol that only waits (nothing for a policy or expert to get wrong)."""

BENCH = """labc 1
protocol p
labware b1: beaker_250ml at bench/center { 200 mL water }
labware b2: beaker_250ml at bench/left { 100 mL water }
labware tips: tiprack_200ul at bench/slot1
labware plate: plate_96 at bench/slot9
labware res: reservoir_12 at bench/slot2 { A1: 10 mL water }
labware rod: glass_rod at bench/rack
instrument pipette: pipette_p200 at bench/slot3 using tips
instrument hotplate: hotplate at bench/right
instrument box: drying_box at bench/back
"""
STEP_LINE = BENCH.count("\n") + 1  # the first statement after the bench

HOLD_PROTOCOL = """\
labc: 1
protocol: hold_still
description: "Two short waits with a beaker of water on the bench."
robots: [franka, ur5]
labware:
  beaker: {type: beaker_250ml, at: bench/center, contains: 50 mL water}
steps:
  - wait 1 s
  - wait 0.5 s
"""
