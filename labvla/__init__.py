"""LabVLA: a Qwen3-VL backbone made action-aware by FAST tokens, with a flow-matching DiT action expert.

Submodules are imported where used: importing `labvla` itself must not load torch."""
