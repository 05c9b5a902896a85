"""Model weights and the embedding cache."""

from webapp.settings.env import BASE_DIR, env_int, env_path, env_str

GEOLOOP_MODELS_DIR = env_path("GEOLOOP_MODELS_DIR", BASE_DIR / ".local" / "models")
GEOLOOP_DEFAULT_CHECKPOINT = GEOLOOP_MODELS_DIR / "mobile_sam.pt"
GEOLOOP_DEFAULT_CHECKPOINT_SHA256 = "6dbb90523a35330fedd7f1d3dfc66f995213d81b29a5ca8108dbcdd4e37d6c2f"
GEOLOOP_EMBEDDING_CACHE_BYTES = env_int("GEOLOOP_EMBEDDING_CACHE_BYTES", 4 * 1024**3)
GEOLOOP_DECODER = env_str("GEOLOOP_DECODER", "auto")
# Where prompts are decoded: "web" (a thread pool in the ASGI process; measured faster, README architecture notes)
# or "worker" (a task round trip to the gpu queue).
GEOLOOP_DECODE_IN = env_str("GEOLOOP_DECODE_IN", "web")
GEOLOOP_DECODE_THREADS = env_int("GEOLOOP_DECODE_THREADS", 2)
GEOLOOP_EMBEDDING_HOT_ITEMS = env_int("GEOLOOP_EMBEDDING_HOT_ITEMS", 32)  # ~2 MiB each, per process
GEOLOOP_PREFETCH_MAX = env_int("GEOLOOP_PREFETCH_MAX", 6)
GEOLOOP_ENCODE_WAIT_S = env_int("GEOLOOP_ENCODE_WAIT_S", 120)
# Windows per task scored for "next task" in uncertainty order (inference.services.uncertainty).
GEOLOOP_UNCERTAINTY_WINDOWS = env_int("GEOLOOP_UNCERTAINTY_WINDOWS", 4)
