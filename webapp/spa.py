"""Serve the built front end's index.html for the browser app's routes."""

from django.conf import settings
from django.http import HttpResponse
from django.views.decorators.csrf import ensure_csrf_cookie

MISSING = (
    "<!doctype html><title>GeoLoop</title><p>The front end is not built yet: run "
    "<code>npm ci && npm run build</code> in <code>frontend/</code> (the README's run command does it).</p>"
)


@ensure_csrf_cookie
def index(request):
    page = settings.FRONTEND_DIST / "index.html"
    body = page.read_text() if page.is_file() else MISSING
    return HttpResponse(body, content_type="text/html; charset=utf-8", status=200 if page.is_file() else 503)
