"""The OpenAPI 3.1 document of /open311/v2/, so the Open311 API can be fuzzed and
generated against like the main API. Written by hand: the routes are plain Django views
(the specification's formats and errors are not ninja's)."""

from __future__ import annotations

from typing import Any

FORMAT = {
    "name": "format",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "enum": ["json", "xml"]},
}
JURISDICTION = {"name": "jurisdiction_id", "in": "query", "schema": {"type": "string"}}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _ok(schema: dict[str, Any], status: str = "200") -> dict[str, Any]:
    content = {
        "application/json": {"schema": schema},
        "text/xml": {"schema": {"type": "string"}},
    }
    responses: dict[str, Any] = {status: {"description": "OK", "content": content}}
    for code, text in (("400", "Bad request"), ("404", "Not found")):
        responses[code] = _errors(text)
    return responses


def _errors(description: str) -> dict[str, Any]:
    """The specification's error list, in the format the path asked for (json or xml)."""
    content = {
        "application/json": {"schema": _ref("Errors")},
        "text/xml": {"schema": {"type": "string"}},
    }
    return {"description": description, "content": content}


def _path_param(name: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}


SCHEMAS: dict[str, Any] = {
    "Errors": {
        "type": "array",
        "items": {
            "type": "object",
            "required": ["code", "description"],
            "properties": {"code": {"type": "integer"}, "description": {"type": "string"}},
        },
    },
    "Service": {
        "type": "object",
        "properties": {
            k: {"type": "string"}
            for k in ("service_code", "service_name", "description", "type", "keywords", "group")
        }
        | {"metadata": {"type": "boolean"}},
    },
    "ServiceDefinition": {
        "type": "object",
        "properties": {
            "service_code": {"type": "string"},
            "attributes": {"type": "array", "items": {"type": "object"}},
        },
    },
    "ServiceRequest": {
        "type": "object",
        "properties": {
            k: {"type": ["string", "null"]}
            for k in (
                "service_request_id",
                "status",
                "status_notes",
                "service_name",
                "service_code",
                "description",
                "agency_responsible",
                "service_notice",
                "requested_datetime",
                "updated_datetime",
                "expected_datetime",
                "address",
                "address_id",
                "zipcode",
                "media_url",
            )
        }
        | {"lat": {"type": ["number", "null"]}, "long": {"type": ["number", "null"]}},
    },
    "Created": {
        "type": "object",
        "properties": {
            "service_request_id": {"type": "string"},
            "service_notice": {"type": ["string", "null"]},
            "account_id": {"type": ["string", "null"]},
        },
    },
    "NewRequest": {
        "type": "object",
        "required": ["api_key", "service_code", "lat", "long"],
        "properties": {
            "api_key": {"type": "string"},
            "service_code": {"type": "string"},
            "lat": {"type": "number", "minimum": -90, "maximum": 90},
            "long": {"type": "number", "minimum": -180, "maximum": 180},
            "address_string": {"type": "string", "maxLength": 200},
            "description": {"type": "string", "maxLength": 4000},
            "media_url": {"type": "string", "format": "uri"},
            "phone": {"type": "string"},
        },
    },
}


def open311_openapi(base: str = "/open311/v2") -> dict[str, Any]:
    query = [
        JURISDICTION,
        *(
            {"name": n, "in": "query", "schema": {"type": "string"}}
            for n in ("service_request_id", "service_code", "start_date", "end_date")
        ),
        {
            "name": "status",
            "in": "query",
            # Not an enum: GeoReport v2 has service_request_id override every other argument,
            # so a bad status beside it is ignored (200), which an enum would call wrong.
            "description": "open or closed; ignored when service_request_id is given",
            "schema": {"type": "string"},
        },
    ]
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "zhengfa Open311 GeoReport v2",
            "version": "2",
            "description": "https://wiki.open311.org/GeoReport_v2 — errors are the "
            'specification\'s [{"code", "description"}], not problem+json.',
        },
        "servers": [{"url": base}],
        "paths": {
            "/services.{format}": {
                "get": {
                    "operationId": "services",
                    "parameters": [FORMAT, JURISDICTION],
                    "responses": _ok({"type": "array", "items": _ref("Service")}),
                }
            },
            "/services/{service_code}.{format}": {
                "get": {
                    "operationId": "service_definition",
                    "parameters": [_path_param("service_code"), FORMAT, JURISDICTION],
                    "responses": _ok(_ref("ServiceDefinition")),
                }
            },
            "/requests.{format}": {
                "get": {
                    "operationId": "requests_query",
                    "parameters": [FORMAT, *query],
                    "responses": _ok({"type": "array", "items": _ref("ServiceRequest")}),
                },
                "post": {
                    "operationId": "requests_create",
                    "parameters": [
                        FORMAT,
                        {"name": "Idempotency-Key", "in": "header", "schema": {"type": "string"}},
                    ],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/x-www-form-urlencoded": {"schema": _ref("NewRequest")}
                        },
                    },
                    "responses": _ok({"type": "array", "items": _ref("Created")}, "201")
                    | {
                        "403": _errors("api_key missing or invalid"),
                        "429": _errors("Too many submissions"),
                    },
                },
            },
            "/requests/{service_request_id}.{format}": {
                "get": {
                    "operationId": "request",
                    "parameters": [_path_param("service_request_id"), FORMAT, JURISDICTION],
                    "responses": _ok({"type": "array", "items": _ref("ServiceRequest")}),
                }
            },
            "/tokens/{token}.{format}": {
                "get": {
                    "operationId": "token",
                    "parameters": [_path_param("token"), FORMAT, JURISDICTION],
                    "responses": _ok({"type": "array", "items": _ref("Created")}),
                }
            },
        },
        "components": {"schemas": SCHEMAS},
    }
