"""LabVLA benchmark: latency per action chunk and training throughput of the CPU-sized presets (tiny, cpu)
on this CPU, and parameter counts and FLOPs per chunk for them and the 4B preset.

Tiny figures are measured on a synthetic LeRobot v3.0 dataset written by the RoboGenesis writer. The
qwen3-vl-4b preset is built on the meta device from the published architecture (FACTS.md), so no
weights are needed; its FLOPs are analytic (matmul-dominated count), and the same formula is printed
next to a measured count (torch FlopCounterMode) for the tiny preset as a cross-check.

    .venv/bin/python benchmarks/vla_bench.py [--steps 30] [--chunks 20] [--presets tiny,cpu] [--threads 1]
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

QWEN3_VL_4B = {
    "text_config": {
        "vocab_size": 151936,
        "hidden_size": 2560,
        "intermediate_size": 9728,
        "num_hidden_layers": 36,
        "num_attention_heads": 32,
        "num_key_value_heads": 8,
        "head_dim": 128,
        "tie_word_embeddings": True,
        "rope_parameters": {
            "rope_type": "default",
            "rope_theta": 5e6,
            "mrope_section": [24, 20, 20],
            "mrope_interleaved": True,
        },
    },
    "vision_config": {
        "depth": 24,
        "hidden_size": 1024,
        "intermediate_size": 4096,
        "num_heads": 16,
        "patch_size": 16,
        "spatial_merge_size": 2,
        "temporal_patch_size": 2,
        "out_hidden_size": 2560,
        "num_position_embeddings": 2304,
        "deepstack_visual_indexes": [5, 11, 17],
    },
    "tie_word_embeddings": True,
}


def write_dataset(root: Path, robot: str, arm: int, episodes: int, size: int) -> Path:
    from labvla.data.synthetic import make_episode
    from robogenesis.export.lerobot_v3 import EpisodeRecord, LeRobotV3Writer

    names = [f"joint{i}" for i in range(arm)] + ["gripper"]
    cams = ("scene_left", "scene_right", "wrist")
    w = LeRobotV3Writer(
        root / robot,
        fps=10,
        robot_type=robot,
        cameras=dict.fromkeys(cams, (size, size)),
        state_names=names,
        action_names=names,
    )
    for seed in range(episodes):
        ep = make_episode(seed, robot=robot, arm_joints=arm, length=40, image_size=size, cameras=cams)
        w.append(EpisodeRecord(**ep.__dict__))
    return root / robot


def analytic_flops(model, prompt_tokens: int, image_patches: int, images: int, steps: int) -> float:
    """2 x params x tokens for every linear layer, plus attention score/value products."""
    bb = model.backbone.config
    visual = model.backbone.model.visual
    merged = ("merger", "deepstack_merger_list")  # these run on the merged tokens (merge^2 fewer)
    vis_params = sum(
        p.numel() for n, p in visual.named_parameters() if not n.startswith(("pos_embed", *merged))
    )
    merge_params = sum(p.numel() for n, p in visual.named_parameters() if n.startswith(merged))
    text = model.backbone.model.language_model
    text_params = sum(p.numel() for n, p in text.named_parameters() if "embed_tokens" not in n)
    tv, tt = bb.vision_config, bb.text_config
    per_image = image_patches // images
    flops = 2 * vis_params * image_patches + 2 * merge_params * image_patches // tv.spatial_merge_size**2
    flops += 4 * tv.depth * images * per_image**2 * tv.hidden_size
    flops += 2 * text_params * prompt_tokens
    flops += 4 * tt.num_hidden_layers * prompt_tokens**2 * tt.num_attention_heads * tt.head_dim
    if model.expert is not None:
        cfg = model.config
        n = cfg.chunk + model.expert.prefix  # state (and camera) tokens, then the chunk
        expert = 0
        for block in model.expert.blocks:
            block_params = sum(p.numel() for p in block.parameters())
            kv = sum(p.numel() for p in block.attn.kv.parameters()) if block.cross else 0
            expert += 2 * (block_params - kv) * n + 2 * kv * (prompt_tokens if block.cross else n)
            expert += 4 * n * (prompt_tokens if block.cross else n) * cfg.expert.width
        expert += 2 * 3 * cfg.pad_dim * cfg.expert.width * n  # per-embodiment encoders and decoder
        flops += steps * expert
    return float(flops)


def build_4b(device: str = "meta", text_layers: int | None = None, vision_depth: int | None = None):
    """The qwen3-vl-4b preset with random weights (stage 2, one franka embodiment) on `device`; the
    meta device holds no weights. Fewer layers only for a smoke run of a script on a CPU."""
    from transformers import Qwen3VLConfig, Qwen3VLForConditionalGeneration

    from labvla.config import preset_config
    from labvla.embodiment import Embodiment
    from labvla.model import LabVLA

    config = preset_config("qwen3-vl-4b")
    config.stage = "flow"
    config.embodiments = [Embodiment(name="franka", state_dim=8, action_dim=8)]
    arch = {**QWEN3_VL_4B, "text_config": dict(QWEN3_VL_4B["text_config"])}
    arch["vision_config"] = dict(QWEN3_VL_4B["vision_config"])
    if text_layers is not None:
        arch["text_config"]["num_hidden_layers"] = text_layers
        config.expert.layers = min(config.expert.layers, 2 * text_layers)
    if vision_depth is not None:
        arch["vision_config"]["depth"] = vision_depth
        arch["vision_config"]["deepstack_visual_indexes"] = list(range(min(3, vision_depth)))
    with torch.device(device):
        backbone = Qwen3VLForConditionalGeneration(Qwen3VLConfig(**arch))
        backbone.resize_token_embeddings(151936 + config.fast_vocab, mean_resizing=False)
        model = LabVLA(config, backbone)
    return model


def fast_report(policy, datasets) -> None:
    """FAST compression (tokens per chunk) and reconstruction error on every chunk of the datasets."""
    from labvla.embodiment import to_relative

    cfg, fast = policy.config, policy.loaded.fast
    tokens, errors = [], []
    for ds in datasets:
        for i in range(len(ds)):
            _, emb = cfg.embodiment(ds.robot[i])
            chunk, _ = ds.action_chunk(i, cfg.chunk)
            x = policy.loaded.stats.robots[emb.name].action.normalize(to_relative(chunk, ds.state[i], emb))
            ids = fast.encode(x)
            tokens.append(len(ids))
            errors.append(np.abs(fast.decode(ids, cfg.chunk, emb.action_dim).actions - x).max())
    print(
        f"FAST: {np.mean(tokens):.1f} tokens per chunk (of {cfg.chunk}x7-8 values, vocab {fast.vocab_size}); "
        f"reconstruction max-abs error in normalized units: mean {np.mean(errors):.4f}, max {np.max(errors):.4f}"
    )


def count(params) -> str:
    return f"{sum(p.numel() for p in params) / 1e6:,.2f} M"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=30, help="training steps per stage for throughput")
    parser.add_argument("--chunks", type=int, default=20, help="action chunks timed for latency")
    parser.add_argument("--batch", type=int, default=8)
    parser.add_argument("--presets", default="tiny,cpu", help="CPU-sized presets to measure")
    parser.add_argument("--threads", type=int, default=1, help="torch threads (one process)")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    for preset in args.presets.split(","):
        measure_preset(preset, args)

    big = build_4b()
    prompt = 3 * (49 + 2) + 64  # three 224x224 cameras (49 merged tokens each) + instruction and state text
    est = analytic_flops(big, prompt, 3 * 196, 3, big.config.flow_steps)
    print("== qwen3-vl-4b preset (architecture on the meta device; 3 cameras 224x224, chunk 50) ==")
    print(
        f"params: backbone {count(big.backbone_parameters())}, expert {count(big.expert_parameters())}; "
        f"FLOPs per chunk (analytic): {est / 1e12:.2f} T"
    )


def measure_preset(preset: str, args: argparse.Namespace) -> None:
    """Train both stages briefly on synthetic data, then time flow chunks and FAST decoding."""
    from torch.utils.flop_counter import FlopCounterMode

    from labvla.data.lerobot import LeRobotDataset
    from labvla.policy import LabVLAPolicy
    from labvla.train import TrainOptions, train

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        data = [write_dataset(root, "franka", 7, 4, 64), write_dataset(root, "ur5", 6, 4, 64)]
        rows = {}
        for stage in ("fast", "flow"):
            opts = TrainOptions(
                data=data,
                out=root / stage,
                stage=stage,
                preset=preset,
                steps=args.steps,
                batch=args.batch,
                init=(root / "fast") if stage == "flow" else None,
                image_size=64 if stage == "fast" else None,
                val_fraction=0.0,
                progress=False,
            )
            train(opts)
            log = (root / stage / "log.jsonl").read_text().splitlines()
            rows[stage] = json.loads(log[-1])["samples_per_s"]
        print(f"== {preset} preset, CPU ({torch.get_num_threads()} threads), 3 cameras 64x64, chunk 16 ==")
        for stage, sps in rows.items():
            print(
                f"train stage {stage}: {sps:.1f} samples/s (batch {args.batch}, training loop incl. data loading)"
            )

        ds = LeRobotDataset(data[0])
        policy = LabVLAPolicy(root / "flow")
        policy.reset(ds.task(0), "franka")
        obs = [{"images": ds.images(i), "state": ds.state[i]} for i in range(args.chunks)]
        policy.act(obs[0])
        times, cpu = [], []
        for o in obs:
            t0, c0 = time.perf_counter(), time.process_time()
            policy.act(o)
            times.append((time.perf_counter() - t0) * 1e3)
            cpu.append((time.process_time() - c0) * 1e3)
        # On a shared machine wall time includes waiting for a core; CPU time is what one chunk costs.
        print(
            f"flow inference: {statistics.median(times):.1f} ms wall per chunk, "
            f"{statistics.median(cpu):.1f} ms CPU (medians of {len(times)}; 10 Euler steps)"
        )
        fast_policy = LabVLAPolicy(root / "fast")
        fast_policy.reset(ds.task(0), "franka")
        t0 = time.perf_counter()
        for o in obs[:2]:
            fast_policy.act(o)
        note = f"; malformed: {fast_policy.last_error}" if fast_policy.last_error else ""
        print(
            f"FAST decoding (stage 1): {(time.perf_counter() - t0) * 1e3 / 2:.1f} ms per chunk "
            f"(greedy, constrained, no KV cache{note})"
        )

        fast_report(policy, [LeRobotDataset(d) for d in data])
        model = policy.model
        b = policy.builder.collate(
            [policy.builder.sample(obs[0]["images"], obs[0]["state"], ds.task(0), "franka")]
        )
        with FlopCounterMode(display=False) as fc, torch.no_grad():
            ctx = model.hidden_states(
                b.input_ids, b.attention_mask, b.mm_token_type_ids, b.pixel_values, b.image_grid_thw
            )
            noise = torch.zeros_like(b.actions)
            model.sample_actions(ctx, b.prefix_mask, b.state, b.embodiment, noise, b.images)
        measured = fc.get_total_flops()
        est = analytic_flops(model, b.input_ids.shape[1], b.pixel_values.shape[0], 3, model.config.flow_steps)
        print(
            f"params: backbone {count(model.backbone_parameters())}, expert {count(model.expert_parameters())}; "
            f"FLOPs per chunk: measured {measured / 1e6:.1f} M, analytic {est / 1e6:.1f} M "
            "(analytic leaves out an expert CNN)"
        )


if __name__ == "__main__":
    main()
