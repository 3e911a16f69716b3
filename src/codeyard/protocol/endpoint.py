"""The AWS API endpoint: one HTTP request in, one AWS-shaped response out."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from botocore import xform_name
from botocore.model import OperationModel

from codeyard.accounts import AuthorizationRequest, Authorizer, Decision, Principal, RequestContext
from codeyard.errors import (
    AccessDeniedException,
    CodeyardError,
    InternalFailure,
    InvalidSignature,
    NotImplementedOperation,
    RequestEntityTooLarge,
    UnknownOperation,
)
from codeyard.ids import IdGenerator
from codeyard.operations import ServiceApi, implemented_operations
from codeyard.protocol import json_codec, query_codec, wire
from codeyard.protocol.authentication import Authenticator
from codeyard.protocol.errors import wire_error
from codeyard.protocol.models import ServiceCatalog, ServiceSpec
from codeyard.protocol.service_errors import service_error
from codeyard.protocol.sigv4 import HttpRequest
from codeyard.protocol.validation import ModelValidationError, Validator
from codeyard.protocol.wire import HttpResponse, Protocol

log = logging.getLogger(__name__)

MAX_BODY = 32 * 1024 * 1024
DRAIN_LIMIT = 64 * 1024 * 1024
WORKERS = 16  # calls served at once; each holds at most one database connection

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class Route:
    """One implemented operation, resolved once."""

    spec: ServiceSpec
    operation: OperationModel
    api: ServiceApi
    method: Callable[..., dict[str, Any]]
    kwarg_names: Mapping[str, str]
    action: str


class ApiHandler:
    """Authenticates, routes, validates, authorises, calls the service and serialises."""

    def __init__(
        self,
        catalog: ServiceCatalog,
        services: Mapping[str, ServiceApi],
        authenticator: Authenticator,
        authorizer: Authorizer,
        ids: IdGenerator,
        account_id: str,
        *,
        strict_output: bool = False,
    ) -> None:
        self._catalog = catalog
        self._services = services
        self._authenticator = authenticator
        self._authorizer = authorizer
        self._ids = ids
        self._account_id = account_id
        self._strict_output = strict_output
        self._validator = Validator()
        self._routes: dict[tuple[str, str], Route] = {}
        for name, api in services.items():
            spec = catalog.spec(name)
            for op_name, method_name in implemented_operations(
                api, list(spec.operations), xform_name
            ).items():
                operation = spec.operations[op_name]
                members = operation.input_shape.members if operation.input_shape else {}
                self._routes[(name, op_name)] = Route(
                    spec=spec,
                    operation=operation,
                    api=api,
                    method=getattr(api, method_name),
                    kwarg_names={m: xform_name(m) for m in members},
                    action=f"{spec.signing_name}:{op_name}",
                )

    def implemented(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for service, operation in self._routes:
            out.setdefault(service, []).append(operation)
        return out

    def handle(self, request: HttpRequest) -> HttpResponse:
        """The order of checks is a choice (AWS does not document it):

        1. locate the service from X-Amz-Target (JSON), the path (RPC v2 CBOR) or the form's
           Action (query), so that even an authentication error has the service's error format;
        2. authenticate: nothing about operations is answered to an unsigned or badly signed call;
        3. refuse an unknown operation (400) and a credential scoped to another service;
        4. answer 501 for an operation of the model that has no code yet, *before* validating the
           input, so a client learns at once that the operation is missing instead of first fixing
           input for an operation that cannot run anyway;
        5. parse and validate the input, authorise with IAM, call the service, serialise.
        """
        request_id = self._ids.request_id()
        protocol = wire.protocol_of(request)
        spec: ServiceSpec | None = None
        try:
            fields: dict[str, str] | None = None
            if protocol is Protocol.QUERY:
                fields = query_codec.parse_form(request.body, request.query_string)
                spec, op_name = self._query_target(request, fields)
            else:
                spec, op_name = self._target(request, protocol)
            authenticated = self._authenticator.authenticate(request)
            if spec is None or op_name not in spec.operations:
                raise UnknownOperation(self._unknown_message(request, protocol, fields))
            signature = authenticated.signature
            if signature.service != spec.signing_name:
                raise InvalidSignature(
                    f"Credential should be scoped to correct service: '{spec.signing_name}'. "
                )
            route = self._routes.get((spec.name, op_name))
            if route is None:
                raise NotImplementedOperation(
                    f"Codeyard does not implement {spec.model.service_id} {op_name} yet."
                )
            if fields is None:
                raw_params = wire.parse(protocol, request.body)
            else:
                raw_params = query_codec.decode_params(route.operation, fields)
            params = self._validate(route, raw_params)
            ctx = RequestContext(
                principal=authenticated.principal,
                region=signature.region,
                account_id=self._account_id,
                request_id=request_id,
                source_ip=request.client_ip or "127.0.0.1",
            )
            self._authorize(route, op_name, params, ctx)
            kwargs = {route.kwarg_names[k]: v for k, v in params.items()}
            result = route.method(ctx, **kwargs) or {}
            return self._success(route, result, protocol, request_id)
        except CodeyardError as error:
            return self._failure(error, spec, protocol, request_id)
        except Exception:
            log.exception(
                "internal error in %s %s", protocol, request.header("x-amz-target") or request.raw_path
            )
            return self._failure(InternalFailure("An internal error occurred."), spec, protocol, request_id)

    def _validate(self, route: Route, raw_params: Any) -> dict[str, Any]:
        try:
            return self._validator.validate(route.operation.input_shape, raw_params)
        except ModelValidationError as error:
            overrides = getattr(route.api, "validation_codes", None)
            if overrides is None:
                raise
            own = service_error(route.operation, error.failures, overrides)
            if own is None:
                raise
            raise own from None

    def _target(self, request: HttpRequest, protocol: Protocol) -> tuple[ServiceSpec | None, str]:
        if protocol is Protocol.JSON:
            prefix, _, op_name = (request.header("x-amz-target") or "").rpartition(".")
        else:
            prefix, op_name = wire.rpc_v2_target(request.raw_path)
        return self._catalog.by_target_prefix.get(prefix), op_name

    def _query_target(
        self, request: HttpRequest, fields: Mapping[str, str]
    ) -> tuple[ServiceSpec | None, str]:
        """The service named by the credential scope when it has the action, else the one that has."""
        action = fields.get("Action", "")
        authorization = request.header("authorization") or request.query_string
        for signing_name, candidate in self._catalog.query_services.items():
            if (
                f"/{signing_name}/aws4_request" in authorization
                or f"%2F{signing_name}%2Faws4_request" in authorization
            ):
                if action in candidate.operations:
                    return candidate, action
                break
        return self._catalog.query_actions.get(action), action

    @staticmethod
    def _unknown_message(request: HttpRequest, protocol: Protocol, fields: Mapping[str, str] | None) -> str:
        if protocol is Protocol.JSON:
            return f"Unknown operation {request.header('x-amz-target')}"
        if protocol is Protocol.CBOR:
            return f"Unknown operation at {request.raw_path}"
        form = fields or {}
        action = form.get("Action")
        if not action:
            return "The request has no Action parameter."
        return f"Could not find operation {action} for version {form.get('Version', 'NO_VERSION_SPECIFIED')}"

    def _authorize(self, route: Route, op_name: str, params: Mapping[str, Any], ctx: RequestContext) -> None:
        principal: Principal = ctx.principal
        if principal.is_root or op_name in getattr(route.api, "always_allowed", ()):
            return
        resources = route.api.resources_for(op_name, params, ctx)
        context = {"aws:RequestedRegion": ctx.region, "aws:SourceIp": ctx.source_ip}
        decision = self._authorizer.decide(AuthorizationRequest(principal, route.action, resources, context))
        if decision is Decision.ALLOW:
            return
        resource = resources[0] if resources else "*"
        reason = (
            "with an explicit deny in an identity-based policy"
            if decision is Decision.EXPLICIT_DENY
            else f"because no identity-based policy allows the {route.action} action"
        )
        raise AccessDeniedException(
            f"User: {principal.arn} is not authorized to perform: {route.action} on resource: {resource} {reason}"
        )

    def _success(
        self, route: Route, result: dict[str, Any], protocol: Protocol, request_id: str
    ) -> HttpResponse:
        if self._strict_output:
            problems = json_codec.check_output(route.operation.output_shape, result)
            if problems:
                raise InternalFailure("output does not match the model: " + "; ".join(problems))
        return wire.success(protocol, route.operation, route.spec.xml_namespace, result, request_id)

    def _failure(
        self, error: CodeyardError, spec: ServiceSpec | None, protocol: Protocol, request_id: str
    ) -> HttpResponse:
        namespace = spec.xml_namespace if spec else None
        return wire.failure(protocol, wire_error(error, spec, protocol), namespace, request_id)


async def read_body(receive: Receive, limit: int = MAX_BODY) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ConnectionError("client went away")
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise RequestEntityTooLarge(f"Request body is larger than {limit} bytes.")
        chunks.append(chunk)
        if not message.get("more_body"):
            return chunks[0] if len(chunks) == 1 else b"".join(chunks)


async def send_response(send: Send, response: HttpResponse) -> None:
    headers = [
        (b"content-type", response.content_type.encode()),
        (b"content-length", str(len(response.body)).encode()),
    ]
    headers.extend((k.encode(), v.encode()) for k, v in response.headers)
    await send({"type": "http.response.start", "status": response.status, "headers": headers})
    await send({"type": "http.response.body", "body": response.body})


def http_request(scope: Scope, body: bytes) -> HttpRequest:
    return HttpRequest(
        method=scope["method"],
        raw_path=scope.get("raw_path", scope["path"].encode()).decode("latin-1"),
        query_string=scope.get("query_string", b"").decode("latin-1"),
        headers=[(k.decode("latin-1").lower(), v.decode("latin-1")) for k, v in scope["headers"]],
        body=body,
        client_ip=(scope.get("client") or ("",))[0] or "",
    )


async def _drain(receive: Receive, limit: int) -> None:
    size = 0
    while size <= limit:
        message = await receive()
        if message["type"] == "http.disconnect" or not message.get("more_body"):
            return
        size += len(message.get("body", b""))


def _declared_length(scope: Scope) -> int:
    for name, value in scope["headers"]:
        if name.lower() == b"content-length":
            return int(value) if value.isdigit() else 0
    return 0


def _too_large(scope: Scope, error: RequestEntityTooLarge) -> HttpResponse:
    """413 in the error format of the protocol the request speaks."""
    protocol = wire.protocol_of(http_request(scope, b""))
    return wire.failure(protocol, wire_error(error, None, protocol), None, "")


class ApiEndpoint:
    """ASGI adapter: reads the body, runs the handler, writes the response.

    With `inline` the handler runs on the event loop itself. That is for a local database
    (embedded SQLite), where a call takes a fraction of a millisecond and never waits on the
    network: it saves the thread hand-off, which cost more CPU than the call itself. With a
    database across the network (PostgreSQL), whose row locks can make a call wait on another
    server, calls go to a thread pool so the loop keeps serving.
    """

    def __init__(
        self, handler: ApiHandler, max_body: int = MAX_BODY, workers: int = WORKERS, *, inline: bool = False
    ) -> None:
        self._handler = handler
        self._max_body = max_body
        # A plain executor: half the hand-off cost of anyio.to_thread (~40 us against ~85 us).
        self._pool = (
            None if inline else ThreadPoolExecutor(max_workers=workers, thread_name_prefix="codeyard-api")
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            if _declared_length(scope) > self._max_body:
                # Refused before reading: a client that declares too much is not read at all.
                raise RequestEntityTooLarge(f"Request body is larger than {self._max_body} bytes.")
            body = await read_body(receive, self._max_body)
        except RequestEntityTooLarge as error:
            # Read (and drop) what the client still sends, so that it gets to read the 413
            # instead of a connection reset; past DRAIN_LIMIT the connection is simply closed.
            await _drain(receive, DRAIN_LIMIT)
            await send_response(send, _too_large(scope, error))
            return
        except ConnectionError:
            return
        request = http_request(scope, body)
        if self._pool is None:
            response = self._handler.handle(request)
        else:
            response = await asyncio.get_running_loop().run_in_executor(
                self._pool, self._handler.handle, request
            )
        await send_response(send, response)
