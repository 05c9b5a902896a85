"""Model weights and the embedding cache."""

from webapp.settings.env import BASE_DIR, env_bool, env_int, env_path, env_str

GEOLOOP_MODELS_DIR = env_path("GEOLOOP_MODELS_DIR", BASE_DIR / ".local" / "models")
GEOLOOP_DEFAULT_CHECKPOINT = GEOLOOP_MODELS_DIR / "mobile_sam.pt"
GEOLOOP_DEFAULT_CHECKPOINT_SHA256 = "6dbb90523a35330fedd7f1d3dfc66f995213d81b29a5ca8108dbcdd4e37d6c2f"
GEOLOOP_EMBEDDING_CACHE_BYTES = env_int("GEOLOOP_EMBEDDING_CACHE_BYTES", 4 * 1024**3)
GEOLOOP_DECODER = env_str("GEOLOOP_DECODER", "auto")
# Where prompts are decoded: "web" (a thread pool in the ASGI process; measured faster, README architecture notes)
# or "worker" (a task round trip to the gpu queue).
GEOLOOP_DECODE_IN = env_str("GEOLOOP_DECODE_IN", "web")
GEOLOOP_DECODE_THREADS = env_int("GEOLOOP_DECODE_THREADS", 2)
# torch intra-op threads of a training job (0: half the cores, at least one). The train worker shares the CPU with
# the web, gpu and default workers; OpenMP threads spinning against them made a 2-core fine-tune step ~12x slower
# on 2 threads than on 1 under load (bench/train_time.py).
GEOLOOP_TRAIN_TORCH_THREADS = env_int("GEOLOOP_TRAIN_TORCH_THREADS", 0)
GEOLOOP_EMBEDDING_HOT_ITEMS = env_int("GEOLOOP_EMBEDDING_HOT_ITEMS", 32)  # ~2 MiB each, per process
GEOLOOP_PREFETCH_MAX = env_int("GEOLOOP_PREFETCH_MAX", 6)
# One REST area prefetch (POST /api/scenes/{id}/prefetch/) queues at most this many windows (and never more than
# half of what GEOLOOP_EMBEDDING_CACHE_BYTES holds).
GEOLOOP_PREFETCH_AREA_MAX = env_int("GEOLOOP_PREFETCH_AREA_MAX", 64)
GEOLOOP_ENCODE_WAIT_S = env_int("GEOLOOP_ENCODE_WAIT_S", 120)
# Windows one gpu task encodes in one batch (inference.services.encoding); 0 = from the device: 8 on CUDA, 1 on CPU.
GEOLOOP_ENCODE_BATCH = env_int("GEOLOOP_ENCODE_BATCH", 0)
# Focus windows (later clicks on an object on a finer window sized by its first answer): off by default. On the
# Atlanta bench they moved NoC@85 only from 12.63 to 12.54 while the shipped calibrator, fitted on annotator-window
# answers, showed a worse-calibrated quality on them (ECE 0.084). With the two-ranker default calibrator their ECE
# is 0.048 (held-out half) but NoC@85 12.72 against 12.51 without them (fewer objects never reach 85%: 11 vs 16,
# more clicks on the rest), so they stay off.
GEOLOOP_FOCUS_WINDOWS = env_bool("GEOLOOP_FOCUS_WINDOWS", False)
# Windows per task scored for "next task" in uncertainty order (inference.services.uncertainty).
GEOLOOP_UNCERTAINTY_WINDOWS = env_int("GEOLOOP_UNCERTAINTY_WINDOWS", 4)
