"""Pages that belong to no single area: the home page and the error pages."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from relaydesk.catalog.models import Service
from relaydesk.directory.models import Party, Person, Team
from relaydesk.servicerequests.selectors import RequestFilters, my_queue, my_requests, needs_me

# How many of one's own open requests and queued work the home page lists.
HOME_ROWS = 5


def home(request: HttpRequest) -> HttpResponse:
    person = request.user
    context = {
        "counts": {
            "people": Person.objects.filter(is_active=True).count(),
            "teams": Team.objects.count(),
            "parties": Party.objects.count(),
            "services": Service.objects.filter(is_active=True).count(),
        },
        "team": person.team,
        "manager": person.manager,
        "asked": my_requests(person=person, filters=RequestFilters(status="open"), size=HOME_ROWS),
        "queue": my_queue(person=person, size=HOME_ROWS),
        "needs": needs_me(person=person, now=timezone.now(), size=HOME_ROWS),
    }
    return render(request, "home.html", context)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    # Bad input deserves to be told what was wrong with it.
    return render(request, "400.html", {"message": str(exception)}, status=400)
