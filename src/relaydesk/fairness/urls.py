from django.urls import path

from relaydesk.fairness import views

app_name = "fairness"
urlpatterns = [
    path("teams/<int:pk>/who-comes-last/", views.who_comes_last, name="who_comes_last"),
]
