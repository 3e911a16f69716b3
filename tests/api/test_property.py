"""Property: no request, however odd, makes the server answer a 5xx other than 501.

Bodies are drawn from the operation's own input shape (so that many pass validation and reach
the service code), bent in small ways (wrong types, empty values, unknown members), or plain random
JSON; targets and actions are real operation names of the spoken services. Every request is signed
with the root key by botocore's SigV4 signer, so it gets past authentication.
"""

from __future__ import annotations

import base64
import functools
import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import botocore.session
import httpx
import pytest
from botocore.awsrequest import AWSRequest
from botocore.model import Shape
from botocore.serialize import create_serializer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from codeyard.app import SPOKEN_SERVICES
from codeyard.cli.compatibility import coverage
from codeyard.protocol import cbor_codec
from tests.support.server import Server
from tests.support.signing import form_request, json_request, send, sign

SESSION = botocore.session.get_session()
MODELS = {name: SESSION.get_service_model(name) for name in SPOKEN_SERVICES}
JSON_SERVICES = sorted(n for n, m in MODELS.items() if m.metadata.get("targetPrefix"))
QUERY_SERVICES = ["iam", "sts"]
# Operations with code get most of the examples: the others stop at 501.
IMPLEMENTED = {service.name: sorted(service.implemented) for service in coverage()}
EXAMPLES = 150
MAX_DEPTH = 4

PROPERTY_SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=False,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
    ],
)

# Names that collide with what services store: a few, so that calls meet each other's state.
NAMES = st.sampled_from(["a", "/a", "/a/b", "x-1", "alice", "prod", "arn:aws:iam::000000000000:user/alice"])
JSON_SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-(2**70), 2**70), st.floats(allow_nan=False), st.text(max_size=20)
)
RANDOM_JSON = st.recursive(
    JSON_SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)


def _string(shape: Shape) -> st.SearchStrategy[Any]:
    enum = getattr(shape, "enum", None) or []
    low = shape.metadata.get("min", 0)
    high = shape.metadata.get("max", 64)
    text = st.text(min_size=min(low, 64), max_size=max(min(high, 64), min(low, 64)))
    options = [text, NAMES, st.sampled_from(["", " ", "\u0000", "ü" * 3, "*", "..", "a" * 300])]
    pattern = shape.metadata.get("pattern")
    if pattern:
        try:
            fitting = st.from_regex(re.compile(pattern), fullmatch=True).filter(
                lambda v: low <= len(v) <= high
            )
        except (re.error, ValueError, TypeError):
            pass  # Java syntax Python cannot read (\p{...}): the other options still apply
        else:
            options += [fitting, fitting, fitting]
    if enum:
        options += [st.sampled_from(enum)] * 3
    return st.one_of(options)


def _number(shape: Shape, integral: bool) -> st.SearchStrategy[Any]:
    low = shape.metadata.get("min")
    high = shape.metadata.get("max")
    edges = [0, -1, 1, 2**31, 2**63]
    if integral:
        fitting = st.integers(low, high if high is not None else 2**31 - 1)
        return st.one_of(fitting, fitting, st.integers(-(2**65), 2**65), st.sampled_from(edges))
    return st.one_of(st.floats(low, high, allow_nan=False, allow_infinity=False), st.sampled_from(edges))


def from_shape(shape: Shape, depth: int = 0) -> st.SearchStrategy[Any]:
    """Values of the shape's type, mostly within its constraints, sometimes just outside."""
    kind = shape.type_name
    if depth > MAX_DEPTH:
        return st.none()
    if kind == "structure":
        members = dict(shape.members)
        required = set(shape.required_members)
        return st.fixed_dictionaries(
            {name: from_shape(members[name], depth + 1) for name in sorted(required)},
            optional={name: from_shape(m, depth + 1) for name, m in members.items() if name not in required},
        )
    if kind == "list":
        return st.lists(from_shape(shape.member, depth + 1), max_size=3)
    if kind == "map":
        return st.dictionaries(_string(shape.key), from_shape(shape.value, depth + 1), max_size=3)
    if kind == "string":
        return _string(shape)
    if kind in ("integer", "long"):
        return _number(shape, integral=True)
    if kind in ("float", "double"):
        return _number(shape, integral=False)
    if kind == "boolean":
        return st.booleans()
    if kind == "timestamp":
        return st.one_of(st.integers(0, 2**33), st.sampled_from(["2024-01-01T00:00:00Z", "yesterday"]))
    if kind == "blob":
        return st.one_of(st.binary(max_size=32).map(lambda b: base64.b64encode(b).decode()), st.just("@@"))
    return RANDOM_JSON


@functools.cache
def _input(service: str, operation_name: str) -> st.SearchStrategy[Any]:
    shape = MODELS[service].operation_model(operation_name).input_shape
    if shape is None:
        return st.one_of(st.just({}), RANDOM_JSON)
    return st.one_of(
        from_shape(shape),
        from_shape(shape),
        from_shape(shape).map(lambda d: {**d, "UnknownMember": 1} if isinstance(d, dict) else d),
        RANDOM_JSON,
    )


def _operation_names(draw: st.DrawFn, names: list[str]) -> str:
    """A service, then an operation of it: four times in five one that has code."""
    name = draw(st.sampled_from([n for n in names if IMPLEMENTED[n]] or names))
    everything = sorted(MODELS[name].operation_names)
    if IMPLEMENTED[name] and draw(st.integers(0, 4)):
        return f"{name}.{draw(st.sampled_from(IMPLEMENTED[name]))}"
    return f"{name}.{draw(st.sampled_from(everything))}"


@st.composite
def json_calls(draw: st.DrawFn) -> tuple[str, str, bytes]:
    """(signing name, X-Amz-Target, body) of a JSON-protocol call."""
    name, _, operation_name = _operation_names(draw, JSON_SERVICES).partition(".")
    service = MODELS[name]
    operation = service.operation_model(operation_name)
    prefix = service.metadata["targetPrefix"]
    target = f"{prefix}.{operation.name}"
    if not draw(st.integers(0, 9)):
        target = draw(st.sampled_from([f"{prefix}.{operation.name}x", operation.name, f"{prefix}.", "."]))
    body = draw(
        st.one_of(
            _input(name, operation.name).map(lambda v: json.dumps(v).encode()),
            st.binary(max_size=40),
            st.just(b'{"a": ' * 50),
            st.just(b"{}"),
        )
    )
    return service.signing_name, target, body


@st.composite
def query_calls(draw: st.DrawFn) -> tuple[str, str]:
    """(signing name, form body) of a query-protocol call to IAM or STS."""
    name, _, action = _operation_names(draw, QUERY_SERVICES).partition(".")
    service = MODELS[name]
    operation = service.operation_model(action)
    fields: dict[str, Any] = {"Action": action, "Version": service.api_version}
    params = draw(_input(name, action))
    if isinstance(params, dict) and params:
        serializer = create_serializer("query", include_validation=False)
        try:
            serialized = serializer.serialize_to_request(params, operation)["body"]
        except Exception:  # botocore refuses values of the wrong type: send the form without them
            serialized = {}
        fields.update(serialized)
    extra = draw(
        st.dictionaries(st.sampled_from(["Junk", "Tags.member.x", "MaxItems", "Marker"]), st.text(max_size=8))
    )
    fields.update(extra)
    if not draw(st.integers(0, 9)):
        fields["Action"] = draw(st.sampled_from([action.lower(), action + "s", ""]))
    return service.signing_name, urlencode(fields)


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=30) as client:
        yield client


def _no_server_error(server: Server, response: httpx.Response, what: str) -> None:
    if response.status_code >= 500 and response.status_code != 501:
        pytest.fail(f"{response.status_code} for {what}:\n{response.text[:500]}\n{server.log()[-3000:]}")


def test_random_json_calls_never_fail_on_the_server(server: Server, http: httpx.Client) -> None:
    @PROPERTY_SETTINGS
    @given(json_calls())
    def check(call: tuple[str, str, bytes]) -> None:
        signing_name, target, body = call
        response = send(sign(json_request(server.endpoint, target, body), service=signing_name), http)
        _no_server_error(server, response, f"{target} {body[:300]!r}")
        assert response.status_code in (200, 400, 403, 404, 409, 413, 501)

    check()


def test_random_query_calls_never_fail_on_the_server(server: Server, http: httpx.Client) -> None:
    @PROPERTY_SETTINGS
    @given(query_calls())
    def check(call: tuple[str, str]) -> None:
        signing_name, form = call
        response = send(sign(form_request(server.endpoint, form), service=signing_name), http)
        _no_server_error(server, response, form[:400])
        assert response.headers["content-type"] == "text/xml"

    check()


CBOR_SERVICES = sorted(n for n, m in MODELS.items() if m.metadata["protocol"] == "smithy-rpc-v2-cbor")


@st.composite
def cbor_calls(draw: st.DrawFn) -> tuple[str, str, bytes]:
    """(signing name, path, body) of a Smithy RPC v2 CBOR call."""
    name, _, operation_name = _operation_names(draw, CBOR_SERVICES).partition(".")
    service = MODELS[name]
    path = f"/service/{service.metadata['targetPrefix']}/operation/{operation_name}"
    if not draw(st.integers(0, 9)):
        path = draw(st.sampled_from([path + "x", "/service/x/operation/y", "/service/", path + "/extra"]))
    value = draw(_input(name, operation_name))
    try:
        encoded = cbor_codec.dump(value)
    except TypeError:  # an integer beyond 64 bits: send it as random bytes instead
        encoded = b"\x1b" + b"\xff" * 9
    body = draw(st.one_of(st.just(encoded), st.binary(max_size=40), st.just(b"")))
    return service.signing_name, path, body


@pytest.mark.skipif(not CBOR_SERVICES, reason="botocore speaks RPC v2 CBOR to none of the spoken services")
def test_random_cbor_calls_never_fail_on_the_server(server: Server, http: httpx.Client) -> None:
    @settings(PROPERTY_SETTINGS, max_examples=EXAMPLES // 3)
    @given(cbor_calls())
    def check(call: tuple[str, str, bytes]) -> None:
        signing_name, path, body = call
        request = AWSRequest(
            method="POST",
            url=server.endpoint + path,
            data=body,
            headers={"smithy-protocol": "rpc-v2-cbor", "Content-Type": "application/cbor"},
        )
        response = send(sign(request, service=signing_name), http)
        _no_server_error(server, response, f"{path} {body[:300]!r}")
        assert response.headers["content-type"] == "application/cbor"

    check()


def test_the_strategies_reach_the_services(server: Server, http: httpx.Client) -> None:
    """Guard against a strategy that only ever makes invalid calls: some calls must succeed."""
    outcomes: set[int] = set()

    @settings(PROPERTY_SETTINGS, max_examples=40)
    @given(json_calls())
    def check(call: tuple[str, str, bytes]) -> None:
        signing_name, target, body = call
        outcomes.add(
            send(sign(json_request(server.endpoint, target, body), service=signing_name), http).status_code
        )

    check()
    assert 400 in outcomes
    sts = send(
        sign(form_request(server.endpoint, "Action=GetCallerIdentity&Version=2011-06-15"), service="sts")
    )
    assert sts.status_code == 200
