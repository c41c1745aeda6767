"""The qwen3-vl-4b preset on a GPU, with random weights: flow chunk latency in bf16 and the memory of
one stage-2 training step at batch 8 (issue 13, item 8). Run by `benchmarks/gpu_check.sh`.

No Qwen weights or tokenizer are needed: the backbone is built from the published architecture
(`vla_bench.QWEN3_VL_4B`) with random weights, and the prompt is laid out as LabVLA lays it out (three
224 x 224 cameras of 49 merged tokens each between vision start/end tokens, 64 text tokens), with
random text ids. Latency: batch 1, bf16 weights, the backbone once on the prompt and 10 Euler steps of
the DiT (18 x 1024), chunk 50, CUDA-synchronized medians. Training: fp32 weights under bf16 autocast,
gradient checkpointing in the backbone, AdamW over both groups, per-group clipping (as labvla/train.py
does), one step at batch 8 with ~200 FAST tokens per sample; peak allocated memory is reported.

    python benchmarks/vla_gpu.py [--batch 8] [--chunks 20] [--fast-tokens 200]
    python benchmarks/vla_gpu.py --device cpu --text-layers 1 --vision-depth 1   # smoke run of the code
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import torch

CAMERAS, TEXT, MERGED, PATCH = 3, 64, 49, 16  # 224 px: 14 x 14 patches of 16, merged 2 x 2 -> 49
VISION_START, VISION_END, IMAGE = 151652, 151653, 151655  # Qwen3-VL's special token ids


def make_batch(model, batch: int, fast_tokens: int, device: torch.device, seed: int = 0):
    """A stage-2 batch in LabVLA's layout with random text, images, state and action chunks."""
    from labvla.model import Batch

    cfg = model.config
    g = torch.Generator().manual_seed(seed)
    prompt: list[int] = []
    for _ in range(CAMERAS):
        prompt += [VISION_START, *[IMAGE] * MERGED, VISION_END]
    prompt_len = len(prompt) + TEXT
    length = prompt_len + fast_tokens + 1
    ids = torch.zeros(batch, length, dtype=torch.long)
    labels = torch.full((batch, length), -100, dtype=torch.long)
    for b in range(batch):
        text = torch.randint(0, 151000, (TEXT,), generator=g).tolist()
        fast = (cfg.fast_offset + torch.randint(0, cfg.fast_vocab, (fast_tokens,), generator=g)).tolist()
        row = [*prompt, *text, *fast, 151645]
        ids[b] = torch.tensor(row)
        labels[b, prompt_len:] = torch.tensor(row[prompt_len:])
    prefix = torch.zeros(batch, length, dtype=torch.bool)
    prefix[:, :prompt_len] = True
    images = batch * CAMERAS
    patch_dim = 3 * 2 * PATCH * PATCH  # channels x temporal patch x patch x patch
    dims = cfg.embodiments[0].action_dim
    mask = torch.zeros(batch, cfg.chunk, cfg.pad_dim, dtype=torch.bool)
    mask[..., :dims] = True
    return Batch(
        input_ids=ids,
        attention_mask=torch.ones_like(ids),
        mm_token_type_ids=(ids == IMAGE).long(),
        labels=labels,
        prefix_mask=prefix,
        pixel_values=torch.randn(images * 196, patch_dim, generator=g),
        image_grid_thw=torch.tensor([[1, 14, 14]] * images),
        state=torch.rand(batch, cfg.pad_dim, generator=g) * 2 - 1,
        actions=(torch.rand(batch, cfg.chunk, cfg.pad_dim, generator=g) * 2 - 1) * mask,
        action_mask=mask,
        embodiment=torch.zeros(batch, dtype=torch.long),
    ).to(device)


def sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize()


def train_step_memory(model, args: argparse.Namespace, device: torch.device) -> dict[str, float]:
    """One stage-2 step as the trainer takes it; peak memory in GiB and the step's seconds."""
    from labvla.train import STAGE_LR, _clip_per_group

    groups = [
        {"params": model.backbone_parameters(), "lr": STAGE_LR["flow"]},
        {"params": model.expert_parameters(), "lr": 1e-4},
    ]
    optimizer = torch.optim.AdamW(groups, betas=(0.9, 0.95), weight_decay=0.01)
    if device.type == "cuda":
        model.backbone.gradient_checkpointing_enable()
        torch.cuda.reset_peak_memory_stats()
    batch = make_batch(model, args.batch, args.fast_tokens, device)
    model.train()
    seconds = []
    for k in range(2):  # the first step also allocates AdamW's state
        sync(device)
        t0 = time.perf_counter()
        with torch.autocast(device.type, dtype=torch.bfloat16, enabled=device.type == "cuda"):
            losses = model(batch, torch.Generator().manual_seed(k))
        optimizer.zero_grad(set_to_none=True)
        losses["loss"].backward()
        _clip_per_group(optimizer, 1.0, model.config.flow_weight)
        optimizer.step()
        sync(device)
        seconds.append(time.perf_counter() - t0)
    peak = torch.cuda.max_memory_allocated() / 2**30 if device.type == "cuda" else float("nan")
    del optimizer
    model.zero_grad(set_to_none=True)
    return {"train_peak_gib": peak, "train_step_s": seconds[-1], "loss": float(losses["loss"])}


@torch.no_grad()
def chunk_latency(model, args: argparse.Namespace, device: torch.device) -> dict[str, float]:
    """Milliseconds per flow chunk at batch 1 (bf16 weights): backbone prefix, Euler steps, total."""
    model.eval()
    b = make_batch(model, 1, 0, device)
    prompt = int(b.prefix_mask.sum())
    ids, types = b.input_ids[:, :prompt], b.mm_token_type_ids[:, :prompt]
    mask, prefix = b.attention_mask[:, :prompt], b.prefix_mask[:, :prompt]
    pixels = b.pixel_values.to(torch.bfloat16)
    noise = torch.zeros_like(b.actions, dtype=torch.bfloat16)
    state = b.state.to(torch.bfloat16)
    prefix_ms, total_ms = [], []
    for k in range(args.chunks + 3):  # 3 warm-up chunks
        sync(device)
        t0 = time.perf_counter()
        ctx = model.hidden_states(ids, mask, types, pixels, b.image_grid_thw)
        sync(device)
        t1 = time.perf_counter()
        model.sample_actions(ctx, prefix, state, b.embodiment, noise)
        sync(device)
        if k >= 3:
            prefix_ms.append((t1 - t0) * 1e3)
            total_ms.append((time.perf_counter() - t0) * 1e3)
    pre, tot = statistics.median(prefix_ms), statistics.median(total_ms)
    return {"chunk_ms": tot, "backbone_ms": pre, "expert_ms_per_step": (tot - pre) / model.config.flow_steps}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--batch", type=int, default=8, help="training batch for the memory figure")
    p.add_argument("--chunks", type=int, default=20, help="chunks timed for latency")
    p.add_argument("--fast-tokens", type=int, default=200, help="FAST tokens per training sample")
    p.add_argument("--device", default="cuda")
    p.add_argument("--text-layers", type=int, help="fewer backbone layers (smoke run only)")
    p.add_argument("--vision-depth", type=int, help="fewer vision blocks (smoke run only)")
    p.add_argument("--skip-train", action="store_true", help="latency only")
    a = p.parse_args(argv)
    if a.device == "cuda" and not torch.cuda.is_available():
        print("no CUDA device visible to torch: this script measures the 4B preset on a GPU", file=sys.stderr)
        return 2
    device = torch.device(a.device)
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from vla_bench import build_4b  # a sibling script, not a package

    torch.manual_seed(0)
    model = build_4b(str(device), a.text_layers, a.vision_depth)
    model.config.fast_offset = model.backbone.config.text_config.vocab_size - model.config.fast_vocab
    report: dict[str, object] = {
        "device": torch.cuda.get_device_name() if device.type == "cuda" else "cpu",
        "torch": torch.__version__,
        "backbone_params_m": sum(p.numel() for p in model.backbone_parameters()) / 1e6,
        "expert_params_m": sum(p.numel() for p in model.expert_parameters()) / 1e6,
        "chunk": model.config.chunk,
        "flow_steps": model.config.flow_steps,
        "batch": a.batch,
    }
    if not a.skip_train:
        report |= train_step_memory(model, a, device)
    model.to(torch.bfloat16)
    if device.type == "cuda":
        torch.cuda.empty_cache()
    report |= chunk_latency(model, a, device)
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
