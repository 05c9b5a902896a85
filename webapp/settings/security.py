from webapp.settings.env import env_bool, env_str

SECRET_KEY = env_str("DJANGO_SECRET_KEY", "geoloop-dev-only-secret-change-me-in-production-0123456789")
ALLOWED_HOSTS = [h for h in env_str("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in env_str("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if o]
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # the SPA reads it to send X-CSRFToken
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
LOGIN_URL = "/"

if env_bool("GEOLOOP_FAST_PASSWORD_HASHER", False):
    # Tests only: hashing a password with PBKDF2 costs ~0.5 s on this CPU, per user created.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
