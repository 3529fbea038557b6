"""The OpenAPI schema generator: drf-spectacular's, plus the error responses every view can give.

Views declare their success responses (and the domain errors specific to them,
e.g. ``409`` for a booking conflict). The generic errors are the same for every
view, so they are added here from what the view is: ``400`` when it takes input,
``401``/``403`` when it authenticates, ``404`` when it looks an object up by path
or pages a list, ``429`` when it is throttled. Every 4xx/5xx body is the one
``airbnb.api.errors`` produces: ``{"error": {"code", "message", "fields"?}}``.
"""

from __future__ import annotations

from drf_spectacular import openapi
from drf_spectacular.drainage import get_override, has_override
from drf_spectacular.utils import inline_serializer
from rest_framework import permissions, serializers

ErrorSerializer = inline_serializer(
    "Error",
    {
        "error": inline_serializer(
            "ErrorDetail",
            {
                "code": serializers.CharField(
                    help_text="Stable and machine-readable: validation_error, not_authenticated, not_found, ..."
                ),
                "message": serializers.CharField(help_text="For humans."),
                "fields": serializers.DictField(
                    child=serializers.JSONField(),
                    required=False,
                    help_text="Validation errors: the messages for each invalid field.",
                ),
                "retry_after": serializers.IntegerField(
                    required=False, help_text="Throttled: seconds to wait before trying again."
                ),
            },
        )
    },
)

_DESCRIPTIONS = {
    "400": "Invalid input (code validation_error, parse_error, or a domain code).",
    "401": "Not signed in, or the token is invalid or revoked.",
    "403": "Signed in but not allowed to do this.",
    "404": "No such object (or not visible to you), or no such page.",
    "429": "Too many requests: try again after retry_after seconds.",
}

_SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class AutoSchema(openapi.AutoSchema):
    """Adds the generic error responses, and gives every declared 4xx/5xx the error body's schema."""

    def get_operation(self, path, path_regex, path_prefix, method, registry):
        operation = super().get_operation(path, path_regex, path_prefix, method, registry)
        if operation is None:
            return None
        responses = operation.setdefault("responses", {})
        for code in sorted({*self._generic_error_codes(operation), *(c for c in responses if c >= "400")}):
            response = self._get_response_for_code(ErrorSerializer, code)
            response["description"] = responses.get(code, {}).get("description") or _DESCRIPTIONS.get(code, "")
            responses[code] = response
        return operation

    def _is_list_view(self, serializer=None) -> bool:
        main = _main_response(self.get_response_serializers() if serializer is None else serializer)
        if isinstance(main, AnyOf):
            return main.many
        return super()._is_list_view(serializer)

    def _get_response_for_code(self, serializer, status_code, media_types=None, direction="response"):
        if isinstance(serializer, AnyOf):
            # A schema dict is used as it is; the list and page wrapping is added by the parent.
            refs = [self.resolve_serializer(s, direction).ref for s in serializer.serializers]
            serializer = {"anyOf": refs}
        return super()._get_response_for_code(serializer, status_code, media_types, direction)

    def _map_response_type_hint(self, method):
        override = get_override(method, "field")
        if isinstance(override, AnyOf):
            return self._any_of(override, "response")
        return super()._map_response_type_hint(method)

    def _any_of(self, any_of: AnyOf, direction: str) -> dict:
        schema = {"anyOf": [self.resolve_serializer(s, direction).ref for s in any_of.serializers]}
        return {"type": "array", "items": schema} if any_of.many else schema

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        override = get_override(field, "field") if has_override(field, "field") else None
        if isinstance(override, AnyOf):
            return self._any_of(override, direction)
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if isinstance(field, serializers.TimeField) and schema.get("format") == "time":
            # DRF writes "15:00:00"; JSON Schema's "time" format requires a UTC offset ("15:00:00Z").
            del schema["format"]
            schema["pattern"] = r"^\d{2}:\d{2}(:\d{2}(\.\d+)?)?$"
        return schema

    def _generic_error_codes(self, operation: dict) -> set[str]:
        view = self.view
        parameters = operation.get("parameters", [])
        takes_input = "requestBody" in operation or any(p["in"] == "query" for p in parameters)
        authenticates = bool(view.get_authenticators())
        open_to_all = all(isinstance(p, permissions.AllowAny) for p in view.get_permissions())
        codes = set()
        if takes_input or self.method not in _SAFE_METHODS | {"DELETE"}:
            codes.add("400")
        if authenticates or not open_to_all:
            codes.add("401")
        if not open_to_all or (authenticates and self.method not in _SAFE_METHODS):
            # Object permissions, and the CSRF check of session-authenticated writes.
            codes.add("403")
        if any(p["in"] == "path" for p in parameters) or (self._get_paginator() is not None and self._is_list_view()):
            codes.add("404")
        if view.get_throttles():
            codes.add("429")
        return codes


class AnyOf:
    """A response that is one of several serializers' shapes, e.g. a listing as the public or its host sees it.

    drf-spectacular's ``PolymorphicProxySerializer`` gives ``oneOf``, which a response
    matching both shapes (the host's view is a superset of the public one) would fail.
    ``many=True`` for a list (paged when the view has a ``pagination_class``).
    Also a field's shape: ``@extend_schema_field(AnyOf(A, B))`` on a field or a
    ``SerializerMethodField``'s method.
    """

    def __init__(self, *serializers, many: bool = False):
        self.serializers = serializers
        self.many = many


def _main_response(serializer):
    if isinstance(serializer, dict) and serializer:
        by_code = {str(code): value for code, value in serializer.items()}
        return by_code[min(by_code)]
    return serializer
