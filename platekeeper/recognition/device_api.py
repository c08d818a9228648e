"""The server's side of a patrol car running `platekeeper watch`.

The car's device key says which camera it is; the operator signs in once per
shift (password, second factor when enrolled, training checked) and gets an
operator token for the shift. With both, the car may download the hot-list
entries it may hold and deliver the access records it wrote while offline.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.models import User
from django.core import signing
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from platekeeper.accounts.access import capabilities, gate
from platekeeper.audit.models import AccessRecord, Action
from platekeeper.audit.record import Actor, Entry, record_access
from platekeeper.hotlists.alerts import covert_rule
from platekeeper.hotlists.matching import live_entries
from platekeeper.policy.capabilities import Capability
from platekeeper.policy.models import current_rules
from platekeeper.reads.api import authorize_camera, error, parse_json

SALT = "platekeeper.device-operator"
MAX_ACCESSES = 500


def _refusal(user: Any) -> str:
    """Why `user` may not run a car's reader now ("" when they may)."""
    found = current_rules()
    if found is None:
        return "no ALPR Policy is published"
    permits = gate(user, found[1])
    if Capability.HANDLE_ALERTS in permits.capabilities:
        return ""
    if lacking := permits.training_for({Capability.HANDLE_ALERTS}):
        return "training missing or expired: " + ", ".join(t.label for t in lacking)
    return "your job title may not handle ALPR alerts under the Policy"


def operator_of(request: HttpRequest) -> tuple[User | None, str]:
    token = request.headers.get("X-Operator-Token", "")
    try:
        claims = signing.loads(
            token, salt=SALT, max_age=settings.OPERATOR_SHIFT_HOURS * 3600
        )
    except signing.BadSignature:
        return None, "sign the operator in again (token missing, wrong or expired)"
    camera = request.camera  # type: ignore[attr-defined]
    if claims.get("camera") != camera.pk:
        return None, "this operator token belongs to another device"
    user = User.objects.filter(pk=claims.get("user"), is_active=True).first()
    if user is None:
        return None, "the operator's account is disabled"
    return user, _refusal(user)


def with_operator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest) -> HttpResponse:
        user, why = operator_of(request)
        if user is None:
            return error(401, why)
        if why:
            return error(403, why)
        return view(request, user)

    return wrapper


@csrf_exempt
@require_POST
@authorize_camera
def sign_in(request: HttpRequest) -> HttpResponse:
    """POST {username, password, code?}: an operator token for this device."""
    body, problem = parse_json(request)
    if problem:
        return problem
    if not isinstance(body, dict):
        return error(400, "send {username, password} as an object")
    camera = request.camera  # type: ignore[attr-defined]
    username = str(body.get("username", ""))
    user = authenticate(
        request, username=username, password=str(body.get("password", ""))
    )
    if user is None:
        return error(401, "wrong username or password, or the account is locked")
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None and not device.verify_token(
        str(body.get("code", "")).strip()
    ):
        return error(401, "the one-time code is missing, wrong or already used")
    profile = getattr(user, "profile", None)
    if profile is None or profile.agency_id != camera.agency_id:
        return error(403, "this device belongs to another agency")
    if why := _refusal(user):
        return error(403, why)
    record_access(
        Actor.of_user(user, request.META.get("REMOTE_ADDR")),
        Entry(Action.LOGIN, {"device": camera.name}),
    )
    token = signing.dumps({"user": user.pk, "camera": camera.pk}, salt=SALT)
    return JsonResponse(
        {
            "token": token,
            "operator": user.get_username(),
            "expires_in": settings.OPERATOR_SHIFT_HOURS * 3600,
        }
    )


def entries_for(user: User, agency_id: int) -> list[dict[str, Any]]:
    """The live entries a car of the agency may hold for this operator: covert
    lists by the alert screen's rule; person details never leave the server."""
    found = current_rules()
    caps = capabilities(user, found[1] if found else None)
    rows = (
        live_entries(timezone.now())
        .filter(hot_list__agency_id=agency_id)
        .filter(covert_rule(user, caps))
        .values_list(
            "id",
            "plate",
            "is_pattern",
            "hot_list__misread_tolerant",
            "hot_list__name",
            "hot_list__priority",
            "category",
            "state",
            "vehicle",
        )
        .distinct()
    )
    keys = (
        "entry_id",
        "plate",
        "is_pattern",
        "tolerant",
        "list",
        "priority",
        "category",
        "state",
        "vehicle",
    )
    return [dict(zip(keys, row, strict=True)) for row in rows]


@csrf_exempt
@require_GET
@authorize_camera
@with_operator
def hot_list(request: HttpRequest, user: User) -> HttpResponse:
    camera = request.camera  # type: ignore[attr-defined]
    entries = entries_for(user, camera.agency_id)
    record_access(
        Actor.of_user(user, request.META.get("REMOTE_ADDR")),
        Entry(
            Action.HOTLIST_DOWNLOADED,
            {"device": camera.name},
            result_count=len(entries),
        ),
    )
    return JsonResponse(
        {"generated_at": timezone.now().isoformat(), "entries": entries}
    )


def _viewed_at(value: Any) -> datetime | None:
    try:
        when = parse_datetime(str(value)) if value else None
    except ValueError:  # the right shape, an impossible date
        return None
    return when if when is not None and timezone.is_aware(when) else None


@csrf_exempt
@require_POST
@authorize_camera
@with_operator
def accesses(request: HttpRequest, user: User) -> HttpResponse:
    """POST {"accesses": [{event_id, viewed_at, plate, entry_id, read_event_id}]}:
    the alerts viewed in the car, each recorded once however often it is sent."""
    body, problem = parse_json(request)
    if problem:
        return problem
    items = body.get("accesses") if isinstance(body, dict) else None
    if not isinstance(items, list) or len(items) > MAX_ACCESSES:
        return error(400, f'send {{"accesses": [...]}} with at most {MAX_ACCESSES}')
    camera = request.camera  # type: ignore[attr-defined]
    recorded = duplicate = 0
    rejected = []
    # Which of these the server already has, in one query for the batch.
    keys = [
        f"{camera.code}:{item.get('event_id', '')}"
        for item in items
        if isinstance(item, dict)
    ]
    seen = set(
        AccessRecord.objects.filter(
            action=Action.ALERT_VIEWED, criteria__device_event__in=keys
        ).values_list("criteria__device_event", flat=True)
    )
    for index, item in enumerate(items):
        event = str(item.get("event_id", "")) if isinstance(item, dict) else ""
        viewed = _viewed_at(item.get("viewed_at")) if event else None
        if not event or viewed is None or len(event) > 128:
            rejected.append(
                {"index": index, "error": "needs event_id and an aware viewed_at"}
            )
            continue
        event_key = f"{camera.code}:{event}"
        if event_key in seen:
            duplicate += 1
            continue
        seen.add(event_key)  # the same event twice in one batch
        record_access(
            Actor.of_user(user, request.META.get("REMOTE_ADDR")),
            Entry(
                Action.ALERT_VIEWED,
                {
                    "device": camera.name,
                    "device_event": event_key,
                    "viewed_at": viewed.isoformat(),
                    "plate": str(item.get("plate", ""))[:16],
                    "read_event_id": str(item.get("read_event_id", ""))[:128],
                    # Shown in the car from its own copy, maybe with no link.
                    "in_car": True,
                },
                result_ids=[int(item["entry_id"])]
                if str(item.get("entry_id", "")).isdigit()
                else [],
            ),
        )
        recorded += 1
    status = 422 if rejected and not (recorded or duplicate) else 200
    return JsonResponse(
        {"recorded": recorded, "duplicate": duplicate, "rejected": rejected},
        status=status,
    )
