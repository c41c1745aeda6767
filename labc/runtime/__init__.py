"""The runtime behind `labc run` and `labc bench`: episodes (through `robogenesis.runner`), policy
adapters, harness.

Modules are imported where they are needed (each pulls in the simulator); this package's top level
stays light so `labc --help` does not pay for MuJoCo.
"""
