"""The long polls' wake-up: a notify from another thread ends the waits that began before it."""

from __future__ import annotations

import asyncio
import threading

from codeyard.execution.messages import Job, LogChunk
from codeyard.execution.wakeup import Wakeup


def test_a_notify_from_another_thread_wakes_a_waiting_poll() -> None:
    async def scenario() -> tuple[bool, bool]:
        wakeup = Wakeup()
        ticket = wakeup.ticket()
        threading.Thread(target=wakeup.notify).start()
        woken = await wakeup.wait(ticket, timeout=60)
        later = await wakeup.wait(wakeup.ticket(), timeout=0.01)  # nothing new: it times out
        return woken, later

    assert asyncio.run(scenario()) == (True, False)


def test_a_notify_before_any_poll_is_harmless() -> None:
    Wakeup().notify()


def test_messages_round_trip_and_ignore_unknown_keys() -> None:
    chunk = LogChunk(3, 1_700_000_000_000, ["a", "b"])
    assert LogChunk.from_dict({**chunk.to_dict(), "extra": 1}) == chunk
    job = Job.from_dict(
        {
            "build_id": "p:1",
            "build_arn": "arn",
            "build_number": 1,
            "project_name": "p",
            "project_arn": "arn:p",
            "region": "us-east-1",
            "start_time_ms": 0,
            "initiator": "root",
            "image": "img",
            "source_type": "NO_SOURCE",
            "source_location": "",
            "source_version": "",
            "buildspec": "version: 0.2",
            "buildspec_path": "buildspec.yml",
            "source_url": None,
            "timeout_seconds": 3600,
            "lease_seconds": 30,
            "log_group": "/aws/codebuild/p",
            "log_stream": "1",
        }
    )
    assert (job.variables, job.retries_left, job.queued_timeout_seconds) == ([], 0, 0)
