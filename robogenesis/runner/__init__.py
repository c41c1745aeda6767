"""The one episode runner: every episode (a demonstration being synthesized, `labc run`, a bench
episode, the gymnasium environment's steps) goes through `robogenesis.runner.runner`.

- `stops`: the one `StopReason` vocabulary, the `Stop` exception and the synthesis `Rejection`.
- `options`: `RunOptions` (retries, a node's time budget, the stall guard, the safety role).
- `policy`: the policy contract, the scripted expert as a policy (its `Idle` waits included), DART.
- `safety`: the deployment safety monitor (filters in `labc run`, audits in synthesis).
- `monitors`: the monitor hooks, the validator that decides what is exported, the frame recorder.
- `runner`: the loop itself.

It lives in robogenesis, the lowest layer that both the data engine and `labc` import.
"""
