"""Model weights and the embedding cache."""

from webapp.settings.env import BASE_DIR, env_int, env_path, env_str

GEOLOOP_MODELS_DIR = env_path("GEOLOOP_MODELS_DIR", BASE_DIR / ".local" / "models")
GEOLOOP_DEFAULT_CHECKPOINT = GEOLOOP_MODELS_DIR / "mobile_sam.pt"
GEOLOOP_DEFAULT_CHECKPOINT_SHA256 = "6dbb90523a35330fedd7f1d3dfc66f995213d81b29a5ca8108dbcdd4e37d6c2f"
GEOLOOP_EMBEDDING_CACHE_BYTES = env_int("GEOLOOP_EMBEDDING_CACHE_BYTES", 4 * 1024**3)
GEOLOOP_DECODER = env_str("GEOLOOP_DECODER", "auto")
