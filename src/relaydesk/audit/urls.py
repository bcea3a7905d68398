from django.urls import path

from relaydesk.audit import views

app_name = "audit"
urlpatterns = [path("audit/", views.entries, name="entries")]
