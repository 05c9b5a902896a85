"""Seconds per fine-tune step, every-click sessions against last-click-only, in ONE process (shared-machine load
moves both alike: read the ratio, not the absolute figures).

Runs ``--rounds`` rounds; each round fine-tunes ``--steps`` steps with each mode on Atlanta's A half (the same
samples, seed and clicks), alternating the order of the modes between rounds. Prints per-mode seconds per step
(median over rounds), their ratio, the supervised prompts per step and per second, and the load average; the last
line is one JSON object.

    .venv/bin/python bench/train_step.py [--rounds 3] [--steps 6] [--max-clicks 5] [--objects 8] [--threads 1]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import machine  # noqa: E402

warnings.filterwarnings("ignore")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--steps", type=int, default=6)
    parser.add_argument("--max-clicks", type=int, default=5)
    parser.add_argument("--threads", type=int, default=1, help="torch threads (a training job's default on 2 cores)")
    parser.add_argument("--objects", type=int, default=8, help="A-half buildings trained on (fewer windows to encode)")
    args = parser.parse_args()

    import numpy as np

    from feedback import benchmark as bench
    from feedback.training import TrainSample, finetune_decoder, torch_threads_set
    from inference.sam import default_checkpoint_path, get_model

    torch_threads_set(args.threads)
    base = get_model("vit_t", default_checkpoint_path(), None)
    half_a = bench.split_halves(bench.atlanta_objects())[0][: args.objects]
    embs = bench.window_embeddings(base, [o.window for o in half_a], encoder_key="train-step")
    train = [TrainSample(embedding=embs[o.window.key], target=o.gt, label=o.label) for o in half_a]
    per_step: dict[str, list[float]] = {"every_click": [], "last_click": []}
    load = [os.getloadavg()[0]]
    for r in range(args.rounds):
        modes = ["every_click", "last_click"] if r % 2 == 0 else ["last_click", "every_click"]
        for mode in modes:
            # probe_size=1: the probe is not what is timed; TrainResult.seconds includes it, so time the loop alone
            times: list[float] = []
            res = finetune_decoder(base, train, steps=args.steps, max_clicks=args.max_clicks, seed=r, rank_weight=1.0,
                                   every_click=mode == "every_click", probe_size=1,
                                   progress_cb=lambda info, times=times: times.append(info["elapsed_s"]))
            per_step[mode].append(times[-1] / res.steps_done)
            load.append(os.getloadavg()[0])
    med = {m: float(np.median(v)) for m, v in per_step.items()}
    # prompts trained per step: every click of a session (mean of 1..max_clicks) against one
    prompts = {"every_click": (args.max_clicks + 1) / 2, "last_click": 1.0}
    ratio = med["every_click"] / med["last_click"]
    for m in per_step:
        print(f"{m:>12}: {med[m]:.2f} s/step (rounds {', '.join(f'{v:.2f}' for v in per_step[m])}), "
              f"~{prompts[m]:.1f} supervised prompts/step, {prompts[m] / med[m]:.2f} prompts/s")
    print(f"every_click / last_click seconds per step: {ratio:.2f}; load avg 1 min over the run "
          f"{min(load):.1f}..{max(load):.1f}")
    print(json.dumps({"bench": "train-step", "seconds_per_step": med, "rounds": per_step, "ratio": round(ratio, 3),
                      "prompts_per_step": prompts, "steps": args.steps, "max_clicks": args.max_clicks,
                      "threads": args.threads, "load_1min": load, "machine": machine()}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
