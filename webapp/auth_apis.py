"""Accounts over HTTP: session login for the browser (CSRF-checked), token login for scripts, logout (ends the session
and revokes the token), password change, and single-use WebSocket tickets.

Scripts: ``POST /api/auth/token/ {"username", "password"}`` returns ``{"token", "expires_at"}`` and sets no cookie,
so it needs no CSRF token; send ``Authorization: Token <token>`` afterwards, ``POST /api/auth/ws-ticket/`` for a
ticket to open a WebSocket with ``?ticket=<ticket>``, and ``POST /api/auth/logout/`` to revoke the token.
Browsers: ``GET /api/auth/csrf/`` sets the CSRF cookie; ``POST /api/auth/login/`` with ``X-CSRFToken`` logs in.
"""

from django.conf import settings
from django.contrib.auth import login
from django.middleware.csrf import get_token
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from annotator.authentication import token_expires_at
from webapp import auth_services

USERNAME_MAX = 150
PASSWORD_MAX = 1024  # longer inputs are refused before any hashing work


class UserOutput(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    is_staff = serializers.BooleanField()


class CredentialsInput(serializers.Serializer):
    username = serializers.CharField(max_length=USERNAME_MAX)
    password = serializers.CharField(max_length=PASSWORD_MAX, trim_whitespace=False)


class TokenOutput(serializers.Serializer):
    token = serializers.CharField()
    expires_at = serializers.DateTimeField()


def _token_body(user) -> dict:
    token = auth_services.token_issue(user=user)
    return {"token": token.key, "expires_at": token_expires_at(token.created)}


class CsrfApi(APIView):
    """Sets the CSRF cookie (the browser sends its value as X-CSRFToken on unsafe requests, login included)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(responses={200: {"type": "object", "properties": {"csrftoken": {"type": "string"}}}})
    def get(self, request):
        return Response({"csrftoken": get_token(request)})


class LoginApi(APIView):
    """Session login for the browser: CSRF-checked (login CSRF would sign a victim into the attacker's account)."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    error_statuses = {403, 429}  # CSRF refused; failed logins counted (webapp.auth_services)

    class LoginOutput(TokenOutput):
        user = UserOutput()

    @extend_schema(request=CredentialsInput, responses={200: LoginOutput})
    def post(self, request):
        SessionAuthentication().enforce_csrf(request)
        data = CredentialsInput(data=request.data)
        data.is_valid(raise_exception=True)
        user = auth_services.user_authenticate(request=request, **data.validated_data)
        login(request, user)
        get_token(request)
        return Response({**_token_body(user), "user": UserOutput(user).data})


class TokenLoginApi(APIView):
    """Token login for scripts: sets no cookie and starts no session, so it needs no CSRF token."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    error_statuses = {429}  # failed logins counted (webapp.auth_services)

    @extend_schema(request=CredentialsInput, responses={200: TokenOutput})
    def post(self, request):
        data = CredentialsInput(data=request.data)
        data.is_valid(raise_exception=True)
        user = auth_services.user_authenticate(request=request, **data.validated_data)
        return Response(_token_body(user))


class LogoutApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={204: None})
    def post(self, request):
        auth_services.user_logout(request=request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PasswordChangeApi(APIView):
    permission_classes = [IsAuthenticated]
    error_statuses = {429}  # a wrong old password counts as a failed login

    class InputSerializer(serializers.Serializer):
        old_password = serializers.CharField(max_length=PASSWORD_MAX, trim_whitespace=False)
        new_password = serializers.CharField(max_length=PASSWORD_MAX, trim_whitespace=False)

    @extend_schema(request=InputSerializer, responses={204: None})
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        auth_services.user_password_change(request=request, user=request.user, **data.validated_data)
        return Response(status=status.HTTP_204_NO_CONTENT)


class WsTicketApi(APIView):
    """A single-use ticket for one WebSocket connection: open ``/ws/...?ticket=<ticket>`` within ``expires_in`` s."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses={200: {"type": "object", "properties": {
        "ticket": {"type": "string"}, "expires_in": {"type": "integer"}}}})
    def post(self, request):
        ticket = auth_services.ws_ticket_issue(user=request.user)
        return Response({"ticket": ticket, "expires_in": settings.GEOLOOP_WS_TICKET_TTL_S})


class MeApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: UserOutput})
    def get(self, request):
        get_token(request)  # make sure the SPA has a CSRF cookie
        return Response(UserOutput(request.user).data)
