"""PostgreSQL + PostGIS from DATABASE_URL (postgis://user:pass@host:port/name)."""

from urllib.parse import parse_qs, unquote, urlparse

from webapp.settings.env import env_bool, env_int, env_str

DATABASE_URL = env_str("DATABASE_URL", "postgis://geoloop@127.0.0.1:55432/geoloop")


def pool_options() -> dict:
    """The per-process pool. It bounds queries running at once, not requests or prompts in flight: nothing holds
    a connection while it waits for an encode, a task or a socket (``inference.services.proposals.session``), and
    every thread outside Django's request cycle gives its connection back when its job ends. A request that finds
    the pool empty waits ``GEOLOOP_DB_POOL_TIMEOUT`` seconds for one."""
    if not env_bool("GEOLOOP_DB_POOL", True):
        return {}
    return {"pool": {"min_size": 0, "max_size": env_int("GEOLOOP_DB_POOL_MAX", 8),
                     "timeout": env_int("GEOLOOP_DB_POOL_TIMEOUT", 10)}}


def database_from_url(url: str) -> dict:
    parts = urlparse(url)
    if parts.scheme not in {"postgis", "postgres", "postgresql"}:
        raise ValueError(f"DATABASE_URL must be a postgis:// URL, got scheme {parts.scheme!r}")
    options = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    host = options.pop("host", None) or unquote(parts.hostname or "")
    return {
        "ENGINE": "django.contrib.gis.db.backends.postgis",
        "NAME": unquote(parts.path.lstrip("/")),
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": host,
        "PORT": str(parts.port or ""),
        # A connection pool per process: under ASGI each request runs on its own thread, so persistent
        # connections would be opened anew per request (PostGIS set-up costs ~30 ms per connection).
        "CONN_MAX_AGE": 0,
        "OPTIONS": {**pool_options(), **options},
        "TEST": {"NAME": f"test_{unquote(parts.path.lstrip('/'))}"},
    }


DATABASES = {"default": database_from_url(DATABASE_URL)}
