from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from webapp import auth_apis
from webapp.health import healthz
from webapp.spa import index

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/auth/csrf/", auth_apis.CsrfApi.as_view(), name="auth-csrf"),
    path("api/auth/login/", auth_apis.LoginApi.as_view(), name="auth-login"),
    path("api/auth/token/", auth_apis.TokenLoginApi.as_view(), name="auth-token"),
    path("api/auth/password/", auth_apis.PasswordChangeApi.as_view(), name="auth-password"),
    path("api/auth/ws-ticket/", auth_apis.WsTicketApi.as_view(), name="auth-ws-ticket"),
    path("api/auth/logout/", auth_apis.LogoutApi.as_view(), name="auth-logout"),
    path("api/auth/me/", auth_apis.MeApi.as_view(), name="auth-me"),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("api/", include("annotator.urls")),
    path("api/", include("inference.urls")),
    path("api/", include("feedback.urls")),
    re_path(r"^(?!api/|admin/|static/|ws/|media/).*$", index, name="spa"),
]
