"""The events a build produces as it runs: phases started and ended, log lines, the build's end."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime
from typing import NamedTuple

from codeyard.runner.engine.states import BuildPhaseType, PhaseContext, StatusType


class PhaseStarted(NamedTuple):
    """A phase began (COMPLETED only ever starts)."""

    phase: BuildPhaseType
    time: datetime


class PhaseEnded(NamedTuple):
    """A phase ended with its status and contexts: the BuildPhase record AWS reports."""

    phase: BuildPhaseType
    status: StatusType
    start_time: datetime
    end_time: datetime
    contexts: tuple[PhaseContext, ...] = ()

    @property
    def duration_in_seconds(self) -> int:
        """Whole seconds between start and end, as `durationInSeconds`."""
        return int((self.end_time - self.start_time).total_seconds())


class LogLines(NamedTuple):
    """Lines of the build log (command output and the engine's own lines), already masked."""

    time: datetime
    lines: tuple[str, ...]


class BuildEnded(NamedTuple):
    """The build's final status, its exported variables and every phase record."""

    status: StatusType
    time: datetime
    phases: tuple[PhaseEnded, ...]
    exported_variables: Mapping[str, str]


BuildEvent = PhaseStarted | PhaseEnded | LogLines | BuildEnded
EventSink = Callable[[BuildEvent], Awaitable[None]]
