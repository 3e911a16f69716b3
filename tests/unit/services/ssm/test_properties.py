"""Property: whatever names, values, selectors and filters a caller sends, the service answers or
raises one of its own errors, and what it stored reads back the same."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from codeyard.errors import CodeyardError
from tests.unit.services.ssm.conftest import World

SETTINGS = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

PIECES = st.sampled_from(
    ["a", "B", "/", ":", "1", ".", "-", "_", " ", "aws", "ssm", "ü", "*", "%", "\\", "//"]
)
NAMES = st.lists(PIECES, min_size=1, max_size=8).map("".join)
VALUES = st.text(min_size=0, max_size=30)
TYPES = st.sampled_from(["String", "StringList", "SecureString"])
FILTER_KEYS = st.sampled_from(
    ["Name", "Type", "KeyId", "Path", "Tier", "DataType", "Label", "tag:team", "Bogus"]
)
OPTIONS = st.sampled_from([None, "Equals", "BeginsWith", "Contains", "Recursive", "OneLevel", "Nope"])
FILTERS = st.lists(
    st.fixed_dictionaries(
        {"Key": FILTER_KEYS, "Values": st.lists(NAMES, max_size=3)}, optional={"Option": OPTIONS}
    ),
    max_size=3,
)


def attempt(call: Any, **kwargs: Any) -> dict[str, Any] | None:
    try:
        result: dict[str, Any] = call(**kwargs)
    except CodeyardError:
        return None
    return result


@SETTINGS
@given(name=NAMES, value=VALUES, kind=TYPES, selector=st.one_of(st.none(), NAMES), filters=FILTERS)
def test_any_input_answers_or_raises_a_service_error(
    world: World, name: str, value: str, kind: str, selector: str | None, filters: list[dict[str, Any]]
) -> None:
    ctx = world.ctx()
    api = world.api
    put = attempt(api.put_parameter, ctx=ctx, name=name, value=value, type=kind, overwrite=True)
    event("stored" if put is not None else "refused")
    if put is not None:
        got = api.get_parameter(ctx, name=name, with_decryption=True)["Parameter"]
        assert got["Value"] == value
        assert got["Version"] == put["Version"]
    reference = name if selector is None else f"{name}:{selector}"
    attempt(api.get_parameter, ctx=ctx, name=reference, with_decryption=True)
    attempt(api.get_parameters, ctx=ctx, names=[reference, name])
    attempt(api.label_parameter_version, ctx=ctx, name=name, labels=[selector or "x"])
    attempt(api.get_parameters_by_path, ctx=ctx, path=name, recursive=True, parameter_filters=filters)
    attempt(api.describe_parameters, ctx=ctx, parameter_filters=filters)
    attempt(api.get_parameter_history, ctx=ctx, name=name, next_token=selector)
    attempt(api.list_tags_for_resource, ctx=ctx, resource_type="Parameter", resource_id=name)
    attempt(api.delete_parameters, ctx=ctx, names=[name, reference])
