from django.urls import path

from relaydesk.directory import views

app_name = "directory"
urlpatterns = [
    path("people/", views.people, name="people"),
    path("people/<int:pk>/", views.person, name="person"),
    path("teams/", views.teams, name="teams"),
    path("teams/<int:pk>/", views.team, name="team"),
    path("parties/", views.parties, name="parties"),
    path("parties/<int:pk>/", views.party, name="party"),
    path("absences/", views.absences, name="absences"),
    path("absences/<int:pk>/", views.absence, name="absence"),
    path("absences/<int:pk>/end/", views.absence_ended, name="absence_end"),
    path("account/tokens/", views.tokens, name="tokens"),
    path("account/tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
]
