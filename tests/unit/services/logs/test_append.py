"""append(): how builds write their logs: groups and streams made on demand, events readable at once."""

from __future__ import annotations

import threading

from tests.unit.services.logs.conftest import World

GROUP = "/aws/codebuild/demo"


def test_append_creates_the_group_and_the_stream(world: World) -> None:
    world.api.append("us-east-1", GROUP, "build-1", [(1_000, "[Container] start"), (1_001, "hello")])
    world.api.append("us-east-1", GROUP, "build-1", [(1_002, "bye")])
    ctx = world.ctx()
    (group,) = world.api.describe_log_groups(ctx)["logGroups"]
    assert group["logGroupArn"] == f"arn:aws:logs:us-east-1:000000000000:log-group:{GROUP}"
    assert group["storedBytes"] == len("[Container] start") + len("hello") + len("bye")
    (stream,) = world.api.describe_log_streams(ctx, log_group_name=GROUP)["logStreams"]
    assert (stream["firstEventTimestamp"], stream["lastEventTimestamp"]) == (1_000, 1_002)
    assert stream["uploadSequenceToken"] == f"{2:056d}"
    events = world.api.get_log_events(
        ctx, log_group_name=GROUP, log_stream_name="build-1", start_from_head=True
    )
    assert [(e["timestamp"], e["message"]) for e in events["events"]] == [
        (1_000, "[Container] start"),
        (1_001, "hello"),
        (1_002, "bye"),
    ]
    assert world.api.describe_log_groups(world.ctx("eu-west-1"))["logGroups"] == []


def test_append_keeps_the_order_given_and_takes_old_times(world: World) -> None:
    """No AWS batch rules: a build's lines are stored as the runner sent them."""
    world.api.append("us-east-1", GROUP, "b", [(5, "five"), (5, "five again"), (0, "epoch")])
    ctx = world.ctx()
    events = world.api.filter_log_events(ctx, log_group_name=GROUP)["events"]
    assert [e["message"] for e in events] == ["epoch", "five", "five again"]
    stored = world.store.reader()
    with stored as uow:
        group = uow.log_groups.get(region="us-east-1", name=GROUP)
        assert group is not None
        assert group.id is not None
        (stream,) = uow.log_streams.find(group_id=group.id)
        assert stream.id is not None
        after_first = uow.log_events.after_id(stream.id, 0, limit=10)
        assert [e.message for e in after_first] == ["five", "five again", "epoch"]
        assert [e.message for e in uow.log_events.after_id(stream.id, after_first[0].id or 0, limit=1)] == [
            "five again"
        ]


def test_concurrent_appends_to_a_new_group(world: World) -> None:
    """Writers racing to create the same group and stream all land their events."""
    errors: list[BaseException] = []

    def write(n: int) -> None:
        try:
            for i in range(5):
                world.api.append("us-east-1", GROUP, f"build-{n % 2}", [(n * 100 + i, f"w{n} line {i}")])
        except BaseException as error:  # collected for the assertion below
            errors.append(error)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    ctx = world.ctx()
    events = world.api.filter_log_events(ctx, log_group_name=GROUP)["events"]
    assert sorted(e["message"] for e in events) == sorted(
        f"w{n} line {i}" for n in range(6) for i in range(5)
    )
    streams = world.api.describe_log_streams(ctx, log_group_name=GROUP)["logStreams"]
    assert [s["logStreamName"] for s in streams] == ["build-0", "build-1"]
    assert (
        sum(s["storedBytes"] for s in streams)
        == world.api.describe_log_groups(ctx)["logGroups"][0]["storedBytes"]
    )
