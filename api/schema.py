from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal API token from /api/tokens/ or `manage.py create_api_token`.",
        }


DETAIL = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
MESSAGES = {
    "type": "object",
    "description": "Messages by field (`non_field_errors` for the whole request), or a `detail`.",
    "additionalProperties": {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]},
}


class ApiAutoSchema(AutoSchema):
    """drf-spectacular's schema, with the error responses every operation can give declared (all JSON
    `{"detail": ...}`, a refused input `{field: [messages]}`): a client, and the schema fuzzing in
    tests/api/test_schemathesis.py, can rely on every status the API answers being in the schema."""

    def _errors(self):
        write = self.method in ("POST", "PUT", "PATCH", "DELETE")
        errors = {
            400: ("The request was refused: messages by field.", MESSAGES),
            401: ("No credentials, or a wrong, revoked or deactivated token.", DETAIL),
            403: ("A role you lack.", DETAIL),
            404: ("No such row among your plans' (or no such snapshot or milestone).", DETAIL),
            406: ("No renderer for the Accept header (JSON or CSV).", DETAIL),
            429: ("Over the rate limit: see Retry-After.", DETAIL),
        }
        if write:
            errors |= {
                409: ("A request with this Idempotency-Key is still being processed, or a concurrent edit.", DETAIL),
                413: ("The request body is larger than API_MAX_BODY_BYTES.", DETAIL),
                415: ("Only JSON bodies are accepted.", DETAIL),
                422: ("This Idempotency-Key was used for a different request.", DETAIL),
            }
        return errors

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction=direction)
        if direction != "response":
            return responses
        for code, (description, body) in self._errors().items():
            responses.setdefault(
                str(code), {"content": {"application/json": {"schema": body}}, "description": description}
            )
        return responses
