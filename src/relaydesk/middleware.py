"""Project-wide middleware: pages need sign-in and speak the viewer's timezone; the API answers
every error in JSON."""

import logging
import uuid

from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone

logger = logging.getLogger(__name__)


class PagesRequireLogin(LoginRequiredMiddleware):
    """Every page asks for sign-in; the API authenticates on its own and answers 401 in JSON."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path_info.startswith("/api/"):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class ViewerTimezone:
    """Pages show times, and read typed ones, in the signed-in person's own timezone (SPEC §6),
    never the server's or a service's. The API speaks in instants with their offsets."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if request.path_info.startswith("/api/") or not user.is_authenticated:
            return self.get_response(request)
        with timezone.override(user.timezone):
            return self.get_response(request)


class ApiErrorsAsJson:
    """Under /api/ every error is JSON in the API's shape, whoever answered it: Django's 404
    for an unknown path, a 405, a 413 for a body over the limit, a 500 (with an id to quote,
    and nothing internal)."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            not request.path_info.startswith("/api/")
            or response.status_code < 400
            or response.get("Content-Type", "").startswith("application/json")
        ):
            return response
        status = response.status_code
        message = _API_MESSAGES.get(status, "The request could not be answered.")
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if status == 400 and _content_length(request) > limit:
            status, message = 413, f"The body is over the limit of {limit:,} bytes."
        return _json_error(status, message, like=response)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not request.path_info.startswith("/api/"):
            return None
        error_id = uuid.uuid4().hex[:12]
        logger.error(
            "API error %s on %s %s", error_id, request.method, request.path, exc_info=exception
        )
        return _json_error(500, f"Something went wrong on our side; quote error {error_id}.")


def _content_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


_API_MESSAGES = {
    400: "The request could not be understood.",
    404: "There is no such address in this API.",
    405: "This address does not take that method.",
    413: "The body is over the size limit.",
}


def _json_error(status: int, message: str, like: HttpResponse | None = None) -> JsonResponse:
    answer = JsonResponse({"message": message, "errors": []}, status=status)
    if like is not None and like.has_header("Allow"):
        answer["Allow"] = like["Allow"]
    return answer
