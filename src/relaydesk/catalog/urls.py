from django.urls import path

from relaydesk.catalog import views

app_name = "catalog"
urlpatterns = [
    path("services/", views.services, name="services"),
    path("services/new/", views.service_edit, name="service_new"),
    path("services/<slug:slug>/", views.service, name="service"),
    path("services/<slug:slug>/edit/", views.service_edit, name="service_edit"),
    path("suggest/services/", views.suggest_services, name="suggest_services"),
    path("suggest/people/", views.suggest_people, name="suggest_people"),
    path("suggest/teams/", views.suggest_teams, name="suggest_teams"),
    path("calendars/", views.calendars, name="calendars"),
    path("calendars/new/", views.calendar_edit, name="calendar_new"),
    path("calendars/<int:pk>/", views.calendar, name="calendar"),
    path("calendars/<int:pk>/edit/", views.calendar_edit, name="calendar_edit"),
]
