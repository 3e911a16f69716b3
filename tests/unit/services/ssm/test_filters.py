"""Parameter filters: what each operation accepts, and how a parameter is matched."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from codeyard.errors import CodeyardError, ValidationException
from codeyard.services.ssm import filters
from codeyard.services.ssm.errors import InvalidFilterKey, InvalidFilterOption, InvalidFilterValue
from codeyard.services.ssm.filters import StringFilter
from codeyard.store.ports.ssm import ParameterRecord

RECORD = ParameterRecord(
    region="us-east-1",
    name="/app/db/password",
    type="SecureString",
    version=1,
    last_modified_at=datetime(2026, 1, 1, tzinfo=UTC),
    last_modified_user="u",
    key_id="alias/app",
    tier="Advanced",
    data_type="text",
    tags=[{"Key": "team", "Value": "data-platform"}],
)


def f(key: str, values: list[str], option: str | None = None) -> StringFilter:
    return StringFilter.of(key, option, values)


def test_default_options() -> None:
    assert f("Path", ["/a"]).option == "OneLevel"
    assert f("Name", ["/a"]).option == "Equals"


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        (f("Name", ["/app/db/password"]), True),
        (f("Name", ["app/db/password"]), True),
        (f("Name", ["/app/db"], "BeginsWith"), True),
        (f("Name", ["db/pass"], "Contains"), True),
        (f("Name", ["/app"]), False),
        (f("Type", ["SecureString"]), True),
        (f("Type", ["String"]), False),
        (f("Type", ["Secure"], "BeginsWith"), True),
        (f("KeyId", ["alias/app"]), True),
        (f("KeyId", ["alias/aws/ssm"]), False),
        (f("Tier", ["Advanced"]), True),
        (f("DataType", ["text"]), True),
        (f("Path", ["/app/db"]), True),
        (f("Path", ["/app"]), False),
        (f("Path", ["/app"], "Recursive"), True),
        (f("Path", ["/"], "Recursive"), True),
        (f("tag:team", ["data-platform"]), True),
        (f("tag:team", ["data"], "BeginsWith"), True),
        (f("tag:team", []), True),
        (f("tag:owner", []), False),
    ],
)
def test_matches(item: StringFilter, expected: bool) -> None:
    assert filters.matches(RECORD, item) is expected


@pytest.mark.parametrize(
    ("items", "by_path", "error"),
    [
        ([f("Label", ["x"])], False, InvalidFilterKey),
        ([f("Name", ["x"])], True, InvalidFilterKey),
        ([f("tag:team", ["x"])], True, InvalidFilterKey),
        ([f("Type", ["String"]), f("Type", ["String"])], False, InvalidFilterKey),
        ([f("Label", ["x"], "BeginsWith")], True, InvalidFilterOption),
        ([f("Type", ["S"], "Contains")], False, InvalidFilterOption),
        ([f("Path", ["/a"], "BeginsWith")], False, InvalidFilterOption),
        ([f("Type", [])], False, InvalidFilterValue),
        ([f("Type", ["Secret"])], True, InvalidFilterValue),
        ([f("Tier", ["Gold"])], False, InvalidFilterValue),
        ([f("Path", ["relative"])], False, ValidationException),
        ([f("Path", ["/aws/x"])], False, ValidationException),
    ],
)
def test_check_refusals(items: list[StringFilter], by_path: bool, error: type[CodeyardError]) -> None:
    with pytest.raises(error):
        filters.check(items, by_path=by_path)


def test_check_accepts() -> None:
    filters.check([f("Type", ["String"]), f("KeyId", ["k"]), f("Label", ["prod"])], by_path=True)
    filters.check(
        [f("Name", ["x"], "Contains"), f("tag:any", []), f("Path", ["/"], "Recursive")], by_path=False
    )


def test_legacy_filters() -> None:
    assert filters.legacy("Name", ["/app"]) == StringFilter("Name", "BeginsWith", ("/app",))
    assert filters.matches(RECORD, filters.legacy("Type", ["SecureString"]))
