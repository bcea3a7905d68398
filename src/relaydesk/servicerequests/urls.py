from django.urls import path

from relaydesk.servicerequests import views

app_name = "servicerequests"
urlpatterns = [
    path("services/<slug:slug>/request/", views.request_new, name="new"),
    path("requests/mine/", views.my_requests, name="mine"),
    path("requests/<int:pk>/", views.request_page, name="request"),
    path("requests/<int:pk>/status/", views.request_status, name="status"),
    path("requests/<int:pk>/comment/", views.request_comment, name="comment"),
    path("requests/<int:pk>/assign/", views.request_assign, name="assign"),
    path("requests/<int:pk>/transfer/", views.request_transfer, name="transfer"),
    path("requests/<int:pk>/split/", views.request_split, name="split"),
    path("requests/<int:pk>/slot/", views.request_slot, name="slot"),
    path("requests/<int:pk>/invitation.ics", views.request_invitation, name="invitation"),
    path("queue/", views.my_queue, name="queue"),
    path("teams/<int:pk>/queue/", views.team_queue, name="team_queue"),
    path("teams/<int:pk>/queue/policy/", views.team_queue_policy, name="team_queue_policy"),
]
