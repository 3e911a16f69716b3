"""The Build shape and the build events' own formats."""

from __future__ import annotations

from datetime import UTC, datetime

from codeyard.clock import FakeClock
from codeyard.ids import IdGenerator, SeededRandomness
from codeyard.services.codebuild.build_shapes import BuildEvents, build_shape, context_text, to_ms
from codeyard.services.codebuild.build_states import BuildStatus, completed, phase_ended, submitted
from codeyard.store.ports.codebuild import BuildRecord

START = datetime(2017, 9, 1, 16, 12, 29, tzinfo=UTC)


def _record() -> BuildRecord:
    return submitted(
        BuildRecord(
            id="p:u",
            region="us-west-2",
            arn="arn:aws:codebuild:us-west-2:111122223333:build/p:u",
            project_name="p",
            build_number=7,
            status="IN_PROGRESS",
            current_phase="SUBMITTED",
            build_complete=False,
            start_time=START,
            initiator="alice",
            details={"logs": {"groupName": "/aws/codebuild/p", "streamName": "u", "deepLink": "https://x"}},
        )
    )


def test_events_write_dates_and_contexts_as_aws_does() -> None:
    record, ended = phase_ended(_record(), "QUEUED", "SUCCEEDED", to_ms(START) + 2500, [])
    assert ended is not None
    event = BuildEvents(FakeClock(), IdGenerator(SeededRandomness(1))).phase_change(record, ended)

    detail = event.detail
    assert detail["completed-phase-start"] == "Sep 1, 2017 4:12:29 PM"
    assert detail["completed-phase-duration-seconds"] == 2
    assert detail["completed-phase-context"] == "[: ]"
    assert detail["additional-information"]["build-number"] == 7
    assert detail["additional-information"]["logs"]["group-name"] == "/aws/codebuild/p"
    assert event.resources == [record.arn]
    assert (event.account, event.region) == ("111122223333", "us-west-2")
    assert context_text([]) == "[]"


def test_a_completed_build_ends_its_open_phase_and_adds_completed() -> None:
    failure = {"statusCode": "X", "message": "why"}
    done, closed = completed(_record(), BuildStatus.FAILED, START, failure)

    shape = build_shape(done)
    assert closed is not None
    assert (closed["phaseType"], closed["phaseStatus"], closed["contexts"]) == ("QUEUED", "FAILED", [failure])
    assert (shape["buildStatus"], shape["currentPhase"], shape["buildComplete"]) == (
        "FAILED",
        "COMPLETED",
        True,
    )
    assert shape["phases"][-1] == {"phaseType": "COMPLETED", "startTime": START}
    assert shape["endTime"] == START
