from django.urls import path

from relaydesk.chains import views

app_name = "chains"
urlpatterns = [
    path("map/", views.mine, name="mine"),
    path("map/person/<int:pk>/", views.person_map, name="person"),
    path("map/team/<int:pk>/", views.team_map, name="team"),
    path("map/impact/", views.impact, name="impact"),
    path("map/risk/", views.risk, name="risk"),
]
