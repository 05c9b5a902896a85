"""Secrets, hosts, cookies, HTTPS and the Content-Security-Policy.

Development defaults work over plain HTTP on localhost. Production sets the variables in the README's "Production"
table; `manage.py check --deploy` is clean with them (webapp/tests/test_deploy_check.py runs it).
"""

from csp.constants import NONE, SELF

from webapp.settings.env import env_bool, env_int, env_str

SECRET_KEY = env_str("DJANGO_SECRET_KEY", "geoloop-dev-only-secret-change-me-in-production-0123456789")
ALLOWED_HOSTS = [h for h in env_str("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in env_str("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if o]
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # the SPA reads it to send X-CSRFToken
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
LOGIN_URL = "/"

# HTTPS: redirect plain HTTP, and tell browsers to use HTTPS only (HSTS) for this many seconds (0: off).
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", SECURE_HSTS_SECONDS > 0)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", SECURE_HSTS_SECONDS > 0)
# Behind a TLS-terminating proxy that sets X-Forwarded-Proto (and strips it from clients).
if env_bool("DJANGO_BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content-Security-Policy (django-csp), on in every environment: the built front end is same-origin scripts and
# styles only (Vite emits no inline script); map tiles and vector tiles are same-origin images and fetches; the
# prompt and event sockets are same-origin (CSP 3 'self' covers ws/wss); OpenLayers paints canvases and may use
# data:/blob: images. The API's interactive docs load Swagger UI from a CDN, so /api/docs/ is left out.
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/api/docs/"],
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "worker-src": [SELF, "blob:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

if env_bool("GEOLOOP_FAST_PASSWORD_HASHER", False):
    # Tests only: hashing a password with PBKDF2 costs ~0.5 s on this CPU, per user created.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
