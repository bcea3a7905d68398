from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from relaydesk import views
from relaydesk.api import api
from relaydesk.directory.forms import SignInForm

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            authentication_form=SignInForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("", include("relaydesk.directory.urls")),
    path("", include("relaydesk.catalog.urls")),
    path("", include("relaydesk.servicerequests.urls")),
    path("", include("relaydesk.notify.urls")),
    path("", include("relaydesk.feedback.urls")),
    path("", include("relaydesk.events.urls")),
    path("", include("relaydesk.chains.urls")),
    path("", include("relaydesk.fairness.urls")),
    path("", include("relaydesk.insight.urls")),
    path("", include("relaydesk.audit.urls")),
]

handler400 = views.bad_request
