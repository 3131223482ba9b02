"""Open311 GeoReport v2 at /open311/v2/ (https://wiki.open311.org/GeoReport_v2).

Every resource in JSON and XML (the format is the path's extension), errors in the
specification's own format — ``[{"code": 400, "description": "…"}]`` or
``<errors><error><code/><description/></error></errors>`` — not problem+json. Reading
is public; creating needs an ``api_key`` issued by an administrator.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Any
from xml.etree import ElementTree as ET

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from zhengfa.flow.models import MatterStatus
from zhengfa.pii.masking import redact_personal
from zhengfa.portal.abuse import RateLimited, throttle_submission
from zhengfa.portal.common import phone_hash
from zhengfa.portal.models import Application, Channel, ServiceItem
from zhengfa.portal.open311_services import Report, client_for_key, open311_request_create

CONTENT_TYPES = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
MAX_RANGE = timedelta(days=90)  # the specification's limit on start_date..end_date
LIST_LIMIT = 1000


class Open311Error(Exception):
    def __init__(self, code: int, description: str) -> None:
        super().__init__(description)
        self.code = code
        self.description = description


# --- rendering ------------------------------------------------------------------------------


def _xml(root: str, item_tag: str, rows: Iterable[dict[str, Any]]) -> bytes:
    top = ET.Element(root)
    for row in rows:
        _xml_fill(ET.SubElement(top, item_tag), row)
    return b'<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(top, encoding="utf-8")


def _xml_fill(node: ET.Element, row: dict[str, Any]) -> None:
    for key, value in row.items():
        child = ET.SubElement(node, key)
        if isinstance(value, list):
            singular = {"attributes": "attribute", "values": "value"}.get(key, "item")
            for entry in value:
                _xml_fill(ET.SubElement(child, singular), entry)
        elif isinstance(value, bool):
            child.text = "true" if value else "false"
        elif value is not None:
            child.text = str(value)


def _respond(fmt: str, root: str, tag: str, body: Any, status: int = 200) -> HttpResponse:
    if fmt == "xml":
        rows = body if isinstance(body, list) else [body]
        content = _xml(root, tag, rows) if isinstance(body, list) else _xml_single(root, body)
    else:
        content = json.dumps(body, ensure_ascii=False).encode()
    return HttpResponse(content, status=status, content_type=CONTENT_TYPES[fmt])


def _xml_single(root: str, body: dict[str, Any]) -> bytes:
    top = ET.Element(root)
    _xml_fill(top, body)
    return b'<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(top, encoding="utf-8")


def _error(fmt: str, error: Open311Error) -> HttpResponse:
    body = [{"code": error.code, "description": error.description}]
    return _respond(fmt if fmt in CONTENT_TYPES else "json", "errors", "error", body, error.code)


def open311_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Turns Open311Error, bad input and rate limits into the specification's errors."""

    def wrapped(request: HttpRequest, *args: Any, fmt: str, **kwargs: Any) -> HttpResponse:
        try:
            if fmt not in CONTENT_TYPES:
                raise Open311Error(404, f"unknown format {fmt!r}; accepted: json, xml")
            return view(request, *args, fmt=fmt, **kwargs)
        except Open311Error as exc:
            return _error(fmt, exc)
        except ValidationError as exc:
            return _error(fmt, Open311Error(400, _describe(exc)))
        except RateLimited as exc:
            response = _error(fmt, Open311Error(429, str(exc)))
            response["Retry-After"] = str(exc.retry_after)
            return response

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _describe(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
    return " ".join(exc.messages)


# --- services ----------------------------------------------------------------------------


def _service(item: ServiceItem) -> dict[str, Any]:
    return {
        "service_code": item.code,
        "service_name": item.name_zh,
        "description": f"{item.name_en}. 处置时限 {item.time_amount} {item.get_time_unit_display()}"
        f"（{item.time_source}）",
        "metadata": False,
        "type": "realtime",
        "keywords": ",".join(item.keywords.split()),
        "group": item.get_category_display(),
    }


def _open311_items() -> QuerySet[ServiceItem]:
    return ServiceItem.objects.filter(open311=True, active=True).order_by("code")


@require_GET
@open311_view
def services(request: HttpRequest, fmt: str) -> HttpResponse:
    """GET Service List."""
    return _respond(fmt, "services", "service", [_service(i) for i in _open311_items()])


@require_GET
@open311_view
def service_definition(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    """GET Service Definition: our services take no extra attributes."""
    if not _open311_items().filter(code=code).exists():
        raise Open311Error(404, f"service_code {code!r} not found")
    return _respond(
        fmt, "service_definition", "", {"service_code": code, "attributes": []}, status=200
    )


# --- requests ----------------------------------------------------------------------------


def _w3c(at: datetime | None) -> str | None:
    return timezone.localtime(at).isoformat(timespec="seconds") if at else None


def _request(application: Application) -> dict[str, Any]:
    matter = application.matter
    closed = matter.status == MatterStatus.CLOSED
    return {
        "service_request_id": str(application.pk),
        "status": "closed" if closed else "open",
        "status_notes": redact_personal(application.outcome_note) or None,
        "service_name": application.item.name_zh,
        "service_code": application.item.code,
        "description": redact_personal(application.details) or None,
        "agency_responsible": matter.unit.name,
        "service_notice": None,
        "requested_datetime": _w3c(application.submitted_at),
        "updated_datetime": _w3c(application.done_at or application.submitted_at),
        "expected_datetime": _w3c(matter.due_at),
        "address": application.address_string or None,
        "address_id": None,
        "zipcode": None,
        "lat": application.lat,
        "long": application.lon,
        "media_url": application.media_url or None,
    }


def _reports() -> QuerySet[Application]:
    return Application.objects.filter(channel=Channel.OPEN311).select_related(
        "item", "matter", "matter__unit"
    )


@csrf_exempt
@require_http_methods(["GET", "POST"])
@open311_view
def requests(request: HttpRequest, fmt: str) -> HttpResponse:
    """GET Service Requests (query) and POST Service Request (create)."""
    if request.method == "POST":
        return _create(request, fmt)
    found = _query(request.GET)
    return _respond(fmt, "service_requests", "request", [_request(a) for a in found])


def _query(params: Any) -> list[Application]:
    ids = params.get("service_request_id")
    if ids:  # overrides every other parameter, as the specification says
        wanted = [i for i in ids.split(",") if i.strip().isdigit()]
        return list(_reports().filter(pk__in=wanted).order_by("pk"))
    found = _reports()
    if params.get("service_code"):
        found = found.filter(item__code__in=params["service_code"].split(","))
    if params.get("status"):
        found = _by_status(found, params["status"])
    start, end = _date_range(params.get("start_date"), params.get("end_date"))
    found = found.filter(submitted_at__gte=start, submitted_at__lte=end)
    return list(found.order_by("-submitted_at")[:LIST_LIMIT])


def _by_status(found: QuerySet[Application], text: str) -> QuerySet[Application]:
    statuses = {s.strip() for s in text.split(",")}
    if not statuses <= {"open", "closed"}:
        raise Open311Error(400, f"status {text!r}: accepted: open, closed")
    matter_status = {"open": MatterStatus.OPEN, "closed": MatterStatus.CLOSED}
    return found.filter(matter__status__in=[matter_status[s] for s in statuses])


def _date_range(start_text: str | None, end_text: str | None) -> tuple[datetime, datetime]:
    end = _parse_date("end_date", end_text) or timezone.now()
    start = _parse_date("start_date", start_text) or end - MAX_RANGE
    if end - start > MAX_RANGE or end < start:
        raise Open311Error(400, "start_date..end_date must not span more than 90 days")
    return start, end


def _parse_date(name: str, text: str | None) -> datetime | None:
    if not text:
        return None
    value = parse_datetime(text.replace(" ", "+"))
    if value is None or timezone.is_naive(value):
        raise Open311Error(400, f"{name} {text!r}: accepted: w3 format, e.g. 2010-01-01T00:00:00Z")
    return value


def _create(request: HttpRequest, fmt: str) -> HttpResponse:
    data = request.POST
    client = client_for_key(data.get("api_key", ""))
    if client is None:
        raise Open311Error(403, "api_key is missing or invalid; ask the administrator for one")
    report = _report(data, request.headers.get("Idempotency-Key", ""), client.pk)
    throttle_submission(
        client=f"open311:{client.pk}",
        phone_hash=phone_hash(report.phone) if report.phone else None,
    )
    application = open311_request_create(client=client, report=report)
    body = [
        {
            "service_request_id": str(application.pk),
            "service_notice": f"受理编号 {application.receipt}",
            "account_id": None,
        }
    ]
    return _respond(fmt, "service_requests", "request", body, status=201)


def _report(data: Any, idempotency_key: str, client_id: int) -> Report:
    if not data.get("service_code"):
        raise Open311Error(400, "service_code is required")
    if not data.get("lat") or not data.get("long"):
        raise Open311Error(400, "lat and long are required (WGS-84 decimal degrees)")
    try:
        lat, lon = float(data["lat"]), float(data["long"])
    except ValueError:
        raise Open311Error(
            400, "lat and long must be decimal degrees, e.g. 47.35, 130.29"
        ) from None
    return Report(
        service_code=data["service_code"],
        lat=lat,
        lon=lon,
        description=data.get("description", ""),
        address_string=data.get("address_string", ""),
        media_url=data.get("media_url", ""),
        phone=data.get("phone", ""),
        idempotency_key=f"open311:{client_id}:{idempotency_key}"[:80] if idempotency_key else "",
    )


@require_GET
@open311_view
def request_detail(request: HttpRequest, request_id: str, fmt: str) -> HttpResponse:
    """GET Service Request: one request, as a one-element list (per the specification)."""
    found = _reports().filter(pk=int(request_id)).first() if request_id.isdigit() else None
    if found is None:
        raise Open311Error(404, f"service_request_id {request_id!r} not found")
    return _respond(fmt, "service_requests", "request", [_request(found)])


@require_GET
@open311_view
def token(request: HttpRequest, token: str, fmt: str) -> HttpResponse:
    """GET request_id from a token: our token is the receipt number given on creation."""
    found = _reports().filter(receipt=token).first()
    if found is None:
        raise Open311Error(404, f"token {token!r} not found")
    body = [{"service_request_id": str(found.pk), "token": token}]
    return _respond(fmt, "service_requests", "request", body)
