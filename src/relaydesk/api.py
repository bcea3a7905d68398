"""The REST API under /api/v1/: authentication, JSON errors, and each area's router."""

from typing import Any

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer, django_auth

from relaydesk.api_schemas import with_clean_input, with_common_errors, with_links
from relaydesk.audit.api import router as audit_router
from relaydesk.catalog.api import router as catalog_router
from relaydesk.chains.api import router as chains_router
from relaydesk.directory.api import router as directory_router
from relaydesk.directory.selectors import person_for_token
from relaydesk.errors import Conflict, InvalidInput, NotFound
from relaydesk.fairness.api import router as fairness_router
from relaydesk.feedback.api import router as feedback_router
from relaydesk.insight.api import router as insight_router
from relaydesk.notify.api import router as notify_router
from relaydesk.pagination import InvalidCursor
from relaydesk.servicerequests.api import router as servicerequests_router


class InvalidToken(AuthenticationError):
    """A bearer token was sent, but it is unknown, revoked, or its person has left."""


class PersonalToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        person = person_for_token(token)
        if person is None:
            # Said at once: falling through to the session would answer a POST with a
            # CSRF failure, which tells the client nothing about its token.
            raise InvalidToken
        request.user = person
        return person


# Which operations' answers name the objects a path parameter or a body field takes: a created
# request feeds its transitions, comments, transfer...; a list's first item feeds the operations
# on one; a listed service feeds a new request.
LINK_SOURCES = {
    "request_id": ["POST /requests", "POST /requests/{request_id}/subrequests", "GET /requests"],
    "team_id": ["GET /teams"],
    "person_id": ["GET /people"],
    "party_id": ["POST /parties", "GET /parties"],
    "calendar_id": ["POST /calendars", "GET /calendars"],
    "slug": ["POST /services", "GET /services"],
    "service": ["GET /services"],
    "absence_id": ["POST /absences", "GET /absences"],
    "token_id": ["POST /tokens", "GET /tokens"],
    "notification_id": ["GET /notifications"],
    "survey_id": ["POST /teams/{team_id}/surveys"],
}


class RelaydeskApi(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        document = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        return with_links(with_common_errors(with_clean_input(document)), LINK_SOURCES)


api = RelaydeskApi(
    title="Relaydesk API",
    version="1",
    description=(
        "Relaydesk's REST API. Authenticate with the browser session (unsafe methods need the "
        "CSRF token) or a personal token: `Authorization: Bearer <token>` (create one with "
        "`relaydesk token create EMAIL` or `POST /api/v1/tokens`). Lists use cursor pagination: "
        "pass the `next_cursor` of one page as `cursor` to get the next. Errors are JSON: "
        '`{"message": …, "errors": [{"field": …, "message": …}]}`.'
    ),
    auth=[PersonalToken(), django_auth],
    urls_namespace="api",
)
api.add_router("", directory_router)
api.add_router("", catalog_router)
api.add_router("", servicerequests_router)
api.add_router("", notify_router)
api.add_router("", chains_router)
api.add_router("", fairness_router)
api.add_router("", insight_router)
api.add_router("", feedback_router)
api.add_router("", audit_router)


def error_response(
    request: HttpRequest, status: int, message: str, errors: dict[str, list[str]] | None = None
) -> HttpResponse:
    details = [
        {"field": name, "message": text} for name, texts in (errors or {}).items() for text in texts
    ]
    return api.create_response(request, {"message": message, "errors": details}, status=status)


def _field_name(location: list[Any]) -> str:
    # Ninja locates an error as ["body", "payload", "promises", "normal", ...]; people want
    # the field as they sent it.
    parts = [str(part) for part in location if part not in {"body", "query", "path", "payload"}]
    return ".".join(parts) or "body"


@api.exception_handler(ValidationError)
def invalid_input(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        errors.setdefault(_field_name(list(error.get("loc", []))), []).append(error["msg"])
    return error_response(request, 422, "The input is not valid.", errors)


@api.exception_handler(InvalidInput)
def invalid_entry(request: HttpRequest, exc: InvalidInput) -> HttpResponse:
    return error_response(request, 422, "The input is not valid.", exc.errors)


@api.exception_handler(InvalidCursor)
def invalid_cursor(request: HttpRequest, exc: InvalidCursor) -> HttpResponse:
    return error_response(request, 400, str(exc), {"cursor": [str(exc)]})


@api.exception_handler(AuthenticationError)
def not_authenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return error_response(
        request, 401, "Sign in, or send a personal token as 'Authorization: Bearer <token>'."
    )


@api.exception_handler(InvalidToken)
def invalid_token(request: HttpRequest, exc: InvalidToken) -> HttpResponse:
    return error_response(
        request, 401, "The personal token is not valid: it is unknown, revoked, or its person left."
    )


@api.exception_handler(PermissionDenied)
def not_allowed(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return error_response(request, 403, str(exc) or "Your role does not allow this.")


@api.exception_handler(Http404)
@api.exception_handler(ObjectDoesNotExist)
def not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return error_response(request, 404, "There is no such object, or it is not yours to see.")


@api.exception_handler(NotFound)
def no_such_request(request: HttpRequest, exc: NotFound) -> HttpResponse:
    return error_response(request, 404, str(exc))


@api.exception_handler(Conflict)
def conflict(request: HttpRequest, exc: Conflict) -> HttpResponse:
    return error_response(request, 409, str(exc))


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return error_response(request, exc.status_code, str(exc))
