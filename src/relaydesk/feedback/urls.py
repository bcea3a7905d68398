from django.urls import path

from relaydesk.feedback import views

app_name = "feedback"
urlpatterns = [
    path("requests/<int:pk>/rate/", views.rate, name="rate"),
    path("requests/<int:pk>/clarity/", views.clarity, name="clarity"),
    path("feedback/rate/<str:token>/", views.rate_by_link, name="rate_by_link"),
    path(
        "feedback/rate/<str:token>/thanks/",
        views.rate_by_link_thanks,
        name="rate_by_link_thanks",
    ),
    path("feedback/mine/", views.mine, name="mine"),
    path("feedback/kudos/", views.kudos, name="kudos"),
    path("feedback/unsung/", views.unsung, name="unsung"),
    path("teams/<int:pk>/feedback/", views.team, name="team"),
    path("teams/<int:pk>/surveys/", views.team_surveys, name="team_surveys"),
    path("surveys/<int:pk>/", views.survey, name="survey"),
    path("surveys/answer/<str:token>/", views.survey_answer, name="survey_answer"),
    path("surveys/answer/<str:token>/thanks/", views.survey_thanks, name="survey_thanks"),
]
