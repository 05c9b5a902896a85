"""The authentication backend: Django's ModelBackend under the login failure limits (webapp.auth_services), so every
path that checks a password with ``authenticate()`` (the API's logins, the admin site's login form) shares them."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from core.errors import RateLimited, Unavailable
from webapp import auth_services


class ThrottledModelBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if request is None or username is None or password is None:  # no client to count (shell, tests' login())
            return super().authenticate(request, username=username, password=password, **kwargs)
        try:
            held = auth_services.login_throttle_reserve(request=request, username=str(username))
        except (RateLimited, Unavailable) as refusal:
            auth_services.login_refusal_note(request, refusal)
            raise PermissionDenied(refusal.message) from refusal  # authenticate() stops here and answers None
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None:
            auth_services.login_throttle_succeeded(held)
        return user
