"""A bench of every kind of labware and instrument, for protocol fixtures that add steps after it."""

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
