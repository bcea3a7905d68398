"""`Idempotency-Key` for the API's create calls (SPEC §4): a retry never creates twice.

The same person sending the same key with the same method, path and body gets the first
answer again, byte for byte, and nothing new is created; the same key with anything else is
refused with a 422. The record and whatever the call creates are written in one transaction,
and the unique (person, key) constraint makes two racing calls queue: the second replays the
first's answer. Only successful answers are kept, so a call that failed may be corrected and
sent again with its key. Keys are forgotten after a day.
"""

import functools
import hashlib
import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja.decorators import decorate_view
from ninja.errors import HttpError
from ninja.operation import Operation
from ninja.utils import contribute_operation_callback

from relaydesk.errors import InvalidInput
from relaydesk.models import IdempotencyRecord

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255
KEPT_FOR = timedelta(hours=24)

View = Callable[..., Any]


def idempotent(view: View, *, unless: Callable[[HttpRequest], bool] | None = None) -> View:
    """Honour Idempotency-Key on a ninja create view. Put it under the route decorator.

    A call for which `unless(request)` holds is served as if it had no key, leaving no record:
    the record keeps the person beside the call, which an anonymous answer must not leave.
    """
    return _idempotent(view, keep_answer=True, unless=unless)


def idempotent_secret(view: View) -> View:
    """Like `idempotent`, for answers holding a secret that is shown once (a new API token).

    The answer is not kept, so a retry with the same key is refused with a 409 instead of
    being replayed; still nothing is created twice.
    """
    return _idempotent(view, keep_answer=False)


def _idempotent(
    view: View, *, keep_answer: bool, unless: Callable[[HttpRequest], bool] | None = None
) -> View:
    if hasattr(view, "_ninja_operation"):
        raise TypeError(f"put @idempotent under the route decorator of {view.__name__}")

    @functools.wraps(view)
    def claimed(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        key = request.headers.get(HEADER)
        if key is None or (unless is not None and unless(request)):
            return view(request, *args, **kwargs)
        if not 0 < len(key) <= MAX_KEY_LENGTH:
            raise InvalidInput({HEADER: [f"give 1 to {MAX_KEY_LENGTH} characters"]})
        fingerprint = _fingerprint(request)
        earlier = _earlier(request.auth, key)
        if earlier is None:
            try:
                with transaction.atomic():
                    request._idempotency_record = IdempotencyRecord.objects.create(
                        person=request.auth, key=key, fingerprint=fingerprint
                    )
            except IntegrityError:
                # A twin call got there first; the database made this one wait for it.
                earlier = _earlier(request.auth, key)
                if earlier is None:
                    raise
        if earlier is not None:
            return _replay(earlier, fingerprint, keep_answer)
        return view(request, *args, **kwargs)

    contribute_operation_callback(claimed, functools.partial(_documented, keep_answer=keep_answer))
    return decorate_view(
        functools.partial(_in_one_transaction, keep_answer=keep_answer, unless=unless)
    )(claimed)


def _in_one_transaction(
    run: Callable[..., HttpResponse],
    *,
    keep_answer: bool,
    unless: Callable[[HttpRequest], bool] | None = None,
) -> Callable:
    """Wrap the whole operation, so the record and what the call creates commit together."""

    @functools.wraps(run)
    def answered(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if HEADER not in request.headers or (unless is not None and unless(request)):
            return run(request, *args, **kwargs)
        with transaction.atomic():
            response = run(request, *args, **kwargs)
            record = getattr(request, "_idempotency_record", None)
            if not 200 <= response.status_code < 300:
                transaction.set_rollback(True)
            elif record is not None:
                record.status = response.status_code
                record.body = response.content.decode() if keep_answer else ""
                record.save(update_fields=["status", "body"])
        return response

    return answered


def _documented(operation: Operation, *, keep_answer: bool) -> None:
    header = {
        "in": "header",
        "name": HEADER,
        "required": False,
        "schema": {"type": "string", "minLength": 1, "maxLength": MAX_KEY_LENGTH},
        "description": "A key of your own, new for each thing you create (a UUID will do). "
        "Sending the same request with it again gives back the first answer and creates "
        "nothing more; for a day.",
    }
    extra = operation.openapi_extra or {}
    operation.openapi_extra = extra | {"parameters": [*extra.get("parameters", []), header]}
    if not keep_answer:
        # The content and example come with the errors every operation documents.
        reused = {"description": "This Idempotency-Key was used already."}
        operation.openapi_extra["responses"] = extra.get("responses", {}) | {"409": reused}


def _earlier(person, key: str) -> IdempotencyRecord | None:
    forgotten = timezone.now() - KEPT_FOR
    IdempotencyRecord.objects.filter(person=person, created_at__lt=forgotten).delete()
    return IdempotencyRecord.objects.filter(person=person, key=key).first()


def _replay(record: IdempotencyRecord, fingerprint: str, keep_answer: bool) -> HttpResponse:
    if record.fingerprint != fingerprint:
        raise InvalidInput(
            {HEADER: ["this key was used for a different request; use a new key for each one"]}
        )
    if not keep_answer:
        raise HttpError(
            409,
            "this was done already with this Idempotency-Key; its answer held a secret that "
            "is shown only once",
        )
    replayed = HttpResponse(
        record.body, status=record.status, content_type="application/json; charset=utf-8"
    )
    replayed["Idempotent-Replayed"] = "true"
    return replayed


def _fingerprint(request: HttpRequest) -> str:
    try:
        # The same JSON sent again with its keys in another order or spaced otherwise is the
        # same request.
        body = json.dumps(json.loads(request.body), sort_keys=True, separators=(",", ":"))
    except ValueError:
        body = request.body.decode("latin-1")
    seen = "\n".join([request.method or "", request.get_full_path(), body])
    return hashlib.sha256(seen.encode()).hexdigest()
