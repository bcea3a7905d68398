"""The signed, single-use link that lets a requester rate a finished request without signing in
(SPEC §3.5). Signing only: whether a link was used is the rating's business (RatedRequest)."""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse

SALT = "relaydesk.feedback.rating-link"
VALID_FOR = timedelta(days=7)


class BadLink(Exception):
    """A link that was forged, mangled or has expired."""


def rating_token(request_id: int) -> str:
    return signing.TimestampSigner(salt=SALT).sign(str(request_id))


def rating_link(request_id: int) -> str:
    """The absolute address of the rating page for a request, as emails carry it."""
    path = reverse("feedback:rate_by_link", args=[rating_token(request_id)])
    return settings.RELAYDESK_BASE_URL + path


def request_id_of(token: str) -> int:
    try:
        return int(signing.TimestampSigner(salt=SALT).unsign(token, max_age=VALID_FOR))
    except signing.SignatureExpired:
        raise BadLink("this rating link has expired; rate the request in the app") from None
    except (signing.BadSignature, ValueError):
        raise BadLink("this is not a rating link Relaydesk gave out") from None
