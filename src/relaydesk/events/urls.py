from django.urls import path

from relaydesk.events import views

app_name = "events"
urlpatterns = [
    path("outbox/", views.outbox, name="outbox"),
    path("outbox/retry/", views.outbox_retry, name="outbox_retry"),
]
