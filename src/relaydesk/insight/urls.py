from django.urls import path

from relaydesk.insight import views

app_name = "insight"
urlpatterns = [
    path("insight/", views.org, name="org"),
    path("insight/teams/<int:pk>/", views.team, name="team"),
    path("insight/services/<slug:slug>/", views.service, name="service"),
    path("insight/people/<int:pk>/", views.person, name="person"),
]
