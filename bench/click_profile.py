"""Where a warm click's time goes in the server: the socket's per-click job (context query, prepare, decode,
candidate choice, polygon) run in this process under cProfile, on the click_latency bench's data.

    .venv/bin/python bench/click_profile.py [--clicks 100] [--db geoloop_bench] [--redis-db 7] [--top 25]

Uses the database, media and windows that ``bench/click_latency.py`` sets up (it sets them up too when missing).
Prints wall-clock sections (perf_counter, medians over the clicks: context, prepare, decode + choice, polygon),
the functions with the most own time, and one JSON object on the last line.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import click_latency  # noqa: E402
from bench.common import machine  # noqa: E402

WATCHED = {  # function -> the end of its file's path
    "mask_keep_clicked": "inference/masks.py", "mask_to_geometry": "inference/masks.py",
    "candidate_list": "proposals/candidates.py", "candidate_features": "inference/scoring.py",
    "choose_scored": "sam/predict.py", "uncertainty_map": "proposals/candidates.py",
    "_upscale_crop": "proposals/decode.py", "run": "sam/onnx_decoder.py", "proposal_build": "proposals/store.py",
}


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clicks", type=int, default=100)
    parser.add_argument("--db", default=click_latency.BENCH_DB)
    parser.add_argument("--redis-db", type=int, default=click_latency.BENCH_REDIS_DB)
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args(argv)
    click_latency._prepare_env(args.db, args.redis_db)
    data = click_latency._setup_data(12)

    from django.contrib.auth import get_user_model

    from inference.services.proposals import PromptSession, prompt_input_parse
    from inference.services.proposals.context import prompt_context
    from inference.services.proposals.decode import prompt_decode
    from inference.services.proposals.prepare import prompt_prepare
    from inference.services.proposals.store import proposal_build

    user = get_user_model().objects.get(username="bench")
    session = PromptSession(scene_id=data["scene_id"], user=user)
    bodies = [{"points": [data["clicks"][i % len(data["clicks"])]], "labels": [1],
               "map_resolution": click_latency.ZOOMED_IN} for i in range(args.clicks)]
    for body in bodies[: len(data["clicks"])]:  # warm: windows into memory, the decoder session, the calibrator
        session.prompt(body)
    sections: dict[str, list[float]] = {"context": [], "prepare": [], "decode": [], "build": [], "total": []}

    def one(body) -> None:
        t0 = time.perf_counter()
        inp = prompt_input_parse(body)
        scene, version, proposal_id, session.context = prompt_context(
            scene_id=session.scene_id, requested=inp.model_version_id, cached=session.context)
        t1 = time.perf_counter()
        prepared = prompt_prepare(scene=scene, inp=inp, model_version=version)
        from inference.services.embeddings import embedding_hot

        emb = embedding_hot(prepared.key)
        t2 = time.perf_counter()
        result = prompt_decode(prepared, emb)
        t3 = time.perf_counter()
        proposal_build(prepared, result, user=user, total_ms=0.0, proposal_id=proposal_id)
        t4 = time.perf_counter()
        for name, (a, b) in {"context": (t0, t1), "prepare": (t1, t2), "decode": (t2, t3), "build": (t3, t4),
                             "total": (t0, t4)}.items():
            sections[name].append((b - a) * 1000)

    profiler = cProfile.Profile()
    profiler.enable()
    for body in bodies:
        one(body)
    profiler.disable()
    stream = io.StringIO()
    stats = pstats.Stats(profiler, stream=stream)
    stats.sort_stats("tottime").print_stats(args.top)
    print(stream.getvalue())
    # per-click cumulative time of the decode's own steps after the model (mean ms per click, under cProfile)
    watched = {}
    for (filename, _line, func), (_cc, _nc, _tt, ct, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        if func in WATCHED and filename.endswith(WATCHED[func]):
            watched[func] = round(ct * 1000 / args.clicks, 2)
    print(f"cumulative ms per click: {watched}")
    medians = {k: round(statistics.median(v), 2) for k, v in sections.items()}
    print(f"medians (ms, under cProfile): {medians}")
    out = {"bench": "click_profile", "clicks": args.clicks, "median_ms_under_profiler": medians,
           "cumulative_ms_per_click": watched, "machine": machine()}
    print(json.dumps(out))
    return out


if __name__ == "__main__":
    main()
