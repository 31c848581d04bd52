"""Issue 18, "keep proving it": every operation of the published OpenAPI document is called with
hostile values — huge and negative numbers, NUL bytes, lone surrogates, broken UTF-8, 20,000
characters, wrong JSON types — and none may answer 5xx.

A deterministic fuzzer beside schemathesis (``test_api_schemathesis.py``, which generates cases
from the schema's types but not these hostile encodings): the cases are derived from the schema
itself, so an operation added later is fuzzed without a change here. Bounded: at most ``MAX_SECONDS`` of
requests (about 1,500 cases; 85 s on SQLite on a loaded 2-core machine, so a slow machine stops
early and covers fewer); the test fails on any 5xx and lists them.
"""

from __future__ import annotations

import itertools
import json
import time
from urllib.parse import quote

import pytest

pytestmark = pytest.mark.django_db
MAX_SECONDS = 60

# Raw query/path values (already URL-encoded where they must be).
HOSTILE_PARAMS = [
    "10000000000000000000", "-1", "0", "", "1e309", "NaN", "%00", "a%00b", "%ED%A0%80", "%FF%FE",
    "x" * 2000, "..%2F..%2Fetc%2Fpasswd", "2026-02-30", "9999-12-31", "%E2%80%AE", "true",
    # Moments at the calendar's ends whose zone pushes them past it in UTC or Beijing time (a
    # hotline ``since`` and ``called_at`` once answered 500 with these).
    "0001-01-01T00:00:00%2B08:00", "9999-12-31T23:59:59-05:00", "0001-01-01",
]
HOSTILE_VALUES = [
    10**19, -1, 0, -(10**19), 1.5e308, "", "x" * 20_000, "nul\u0000byte", "\ud800", None, [], {},
    "2026-02-30", "9999-99-99", True, "١٢٣", "<script>alert(1)</script>",
    "0001-01-01T00:00:00+08:00", "9999-12-31T23:59:59-05:00", "0001-01-01",
]


def _scopes():
    from qinqing.core.scopes import SCOPES

    return list(SCOPES)


def _example(schema: dict, components: dict):
    """A plausible value for a JSON schema (so that other fields are valid while one is hostile)."""
    if "$ref" in schema:
        return _example(components[schema["$ref"].rsplit("/", 1)[-1]], components)
    for combined in ("anyOf", "oneOf", "allOf"):
        if combined in schema:
            options = [s for s in schema[combined] if s.get("type") != "null"] or schema[combined]
            return _example(options[0], components)
    kind = schema.get("type")
    if "default" in schema:
        return schema["default"]
    if "enum" in schema:
        return schema["enum"][0]
    if kind == "object":
        return {name: _example(sub, components) for name, sub in schema.get("properties", {}).items()}
    if kind == "array":
        return [_example(schema.get("items", {}), components)]
    if kind == "integer":
        return 1
    if kind == "number":
        return 1.0
    if kind == "boolean":
        return False
    if schema.get("format") == "date":
        return "2026-11-30"
    if schema.get("format") == "date-time":
        return "2026-11-30T10:00:00+08:00"
    return "示例"


def _bodies(operation: dict, components: dict):
    content = operation.get("requestBody", {}).get("content", {})
    if "application/json" not in content:
        return
    schema = content["application/json"]["schema"]
    valid = _example(schema, components)
    yield valid
    yield from ([], "text", 10**19, None)
    if isinstance(valid, dict):
        for name, value in itertools.product(list(valid), HOSTILE_VALUES):
            yield {**valid, name: value}


def _cases(schema: dict):
    components = schema.get("components", {}).get("schemas", {})
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            parameters = operation.get("parameters", [])
            path_values = {p["name"]: "1" for p in parameters if p["in"] == "path"}
            base = {p["name"]: "1" for p in parameters if p["in"] == "query" and p.get("required")}

            def url(path_values=path_values, query=base, path=path):
                filled = path
                for name, value in path_values.items():
                    filled = filled.replace("{" + name + "}", value)
                text = "&".join(f"{quote(k)}={v}" for k, v in query.items())
                return filled + (f"?{text}" if text else "")

            yield method, url(), None
            for parameter, value in itertools.product(parameters, HOSTILE_PARAMS):
                if parameter["in"] == "path":
                    yield method, url(path_values={**path_values, parameter["name"]: value or "x"}), None
                elif parameter["in"] == "query":
                    yield method, url(query={**base, parameter["name"]: value}), None
            for body in _bodies(operation, components):
                yield method, url(), body


def test_no_operation_answers_5xx_to_hostile_input(client, api_key, workday_calendar):
    _key, raw = api_key(*_scopes())
    schema = client.get("/api/v1/openapi.json").json()
    client.raise_request_exception = False
    failures, count, started = [], 0, time.monotonic()
    for method, url, body in _cases(schema):
        if time.monotonic() - started > MAX_SECONDS:
            break
        kwargs = {"HTTP_X_API_KEY": raw}
        if body is not None or method in ("post", "put", "patch"):
            kwargs["data"] = json.dumps(body, ensure_ascii=True)
            kwargs["content_type"] = "application/json"
        response = getattr(client, method)("/api/v1" + url if not url.startswith("/api/") else url, **kwargs)
        count += 1
        if response.status_code >= 500:
            failures.append(f"{method.upper()} {url[:120]} {json.dumps(body, ensure_ascii=True)[:120]}"
                            f" -> {response.status_code}")
    assert count > 200, "the schema yielded too few cases"
    assert not failures, f"{len(failures)} of {count} requests answered 5xx:\n" + "\n".join(failures[:40])
