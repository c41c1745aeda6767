"""Helpers that tests in several folders share (test modules never import each other).

Expert sets, as the `module:function` specs the engine takes (SynthConfig.experts, SlotJob.experts):
"""

TINY = "tests.helpers.tiny_experts"  # a working `wait` expert and deliberately broken ones (+ ":get_expert")
BAD = "tests.helpers.bad_experts:get_expert"  # every expert fails after one action
CAPPED = "tests.helpers.experts:capped"  # the scripted experts; a wait holds 5 s at most
