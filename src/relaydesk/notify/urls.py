from django.urls import path

from relaydesk.notify import views

app_name = "notify"
urlpatterns = [
    path("notifications/", views.notifications, name="list"),
    path("notifications/<int:pk>/read/", views.mark_read, name="read"),
    path("notifications/read-all/", views.mark_all_read, name="read_all"),
    path("notifications/settings/", views.settings_page, name="settings"),
    path("notifications/webhooks/", views.webhooks, name="webhooks"),
    path("notifications/webhooks/<int:pk>/active/", views.webhook_active, name="webhook_active"),
    path("notifications/webhooks/<int:pk>/delete/", views.webhook_delete, name="webhook_delete"),
    path("notifications/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
