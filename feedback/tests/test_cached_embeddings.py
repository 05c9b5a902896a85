"""A real tiny training run takes its image embeddings from the embedding cache: one encode per window, reused by
a second dataset build (from the media tier, the in-process copy dropped), the fine-tune, and the evaluation of the
base and the candidate."""

import uuid

import numpy as np

from feedback import benchmark as bench
from feedback import dataset as dataset_module
from feedback import evaluation_gate, services
from feedback.dataset import benchmark_eval_objects, training_set_build
from feedback.evaluation_gate import evaluate_objects
from feedback.tests.fixtures import crowded_objects, proposal_for
from feedback.training import finetune_decoder, full_state_with_decoder, save_checkpoint
from inference.models import EmbeddingEntry
from inference.sam import build_model, get_model
from inference.services.embeddings import HOT, embedding_key, encode_count
from inference.windows import Window


def test_a_tiny_training_run_encodes_each_window_once(project_env, monkeypatch, tmp_path):
    env = project_env
    project = env["project"]
    objs = crowded_objects(6)
    for o in objs:
        p, final = proposal_for(project, env["scene"], o, model_version=env["base"])
        services.proposal_accept(proposal=p, label_class=None, user=env["users"]["annotator"], final_geometry=final)
    windows = sorted({o.window.key for o in objs})
    assert 1 < len(windows) < len(objs)  # objects share windows: one encode must serve several of them

    calls = []
    real_encode = dataset_module.encode

    def counting_encode(model, image):
        calls.append(image.shape)
        return real_encode(model, image)

    monkeypatch.setattr(dataset_module, "encode", counting_encode)
    model = get_model("vit_t", device="cpu")
    encoder = f"test-{uuid.uuid4().hex}"  # a fresh cache key space: nothing encoded before this test
    keys = [embedding_key(encoder_sha256=encoder, scene=env["scene"], window=Window.from_key(w)) for w in windows]

    data = training_set_build(project=project, model=model, encoder_key=encoder, held_out_share=0.0)
    assert len(data.train) == 6
    assert len(calls) == len(windows)
    assert [encode_count(k) for k in keys] == [1] * len(windows)
    assert EmbeddingEntry.objects.filter(key__in=[k.cache_key for k in keys]).count() == len(windows)

    HOT.clear()  # the next build reads the media tier, as another worker process would
    again = training_set_build(project=project, model=model, encoder_key=encoder, held_out_share=0.0)
    assert len(calls) == len(windows)
    for a, b in zip(data.train, again.train, strict=True):
        assert np.array_equal(a.embedding, b.embedding)

    result = finetune_decoder(model, again.train, steps=2, max_clicks=2, seed=1, probe_size=2)
    path, sha = save_checkpoint(full_state_with_decoder(model, result.decoder_state), tmp_path)
    candidate = build_model("vit_t", path, "cpu", expected_sha256=sha)
    for m in (model, candidate):
        metrics = evaluate_objects(m, [dataset_module.EvalObject(embedding=s.embedding, gt=s.target, label=s.label)
                                       for s in again.train[:2]], max_clicks=2)
        assert metrics["n_objects"] == 2
    assert len(calls) == len(windows)
    assert [encode_count(k) for k in keys] == [1] * len(windows)


def test_benchmark_objects_come_from_the_cache(db, monkeypatch):
    calls = []
    real_encode = dataset_module.encode
    monkeypatch.setattr(dataset_module, "encode", lambda m, img: calls.append(1) or real_encode(m, img))
    model = get_model("vit_t", device="cpu")
    encoder = f"test-{uuid.uuid4().hex}"
    first = benchmark_eval_objects(model=model, encoder_key=encoder, limit=3)
    encoded = len(calls)
    assert 1 <= encoded <= 3
    HOT.clear()
    second = benchmark_eval_objects(model=model, encoder_key=encoder, limit=3)
    assert len(calls) == encoded
    assert [o.label for o in first] == [o.label for o in second]
    assert all(np.array_equal(a.embedding, b.embedding) for a, b in zip(first, second, strict=True))


def test_base_results_are_kept_and_reused_per_object(tmp_path, monkeypatch):
    model = get_model("vit_t", device="cpu")
    objs = crowded_objects(2)
    embs = bench.window_embeddings(model, [o.window for o in objs], encoder_key="test")
    items = [dataset_module.EvalObject(embedding=embs[o.window.key], gt=o.gt, label=o.label) for o in objs]
    calls = []
    real_decode = evaluation_gate.decode
    monkeypatch.setattr(evaluation_gate, "decode", lambda *a, **k: calls.append(1) or real_decode(*a, **k))
    cache = evaluation_gate.ResultCache(tmp_path)
    first = evaluation_gate.evaluate_objects(model, items, max_clicks=3, cache=cache)
    clicked = len(calls)
    assert clicked >= 2
    assert len(list(tmp_path.glob("*.json"))) == 2
    second = evaluation_gate.evaluate_objects(model, items, max_clicks=3, cache=cache)
    assert len(calls) == clicked  # nothing clicked through again
    assert second["objects"] == first["objects"]
    assert second["NoC@85"] == first["NoC@85"]
    evaluation_gate.evaluate_objects(model, items, max_clicks=4, cache=cache)  # another click budget: scored anew
    assert len(calls) > clicked
