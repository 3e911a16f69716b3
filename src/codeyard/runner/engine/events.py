"""The events a build produces as it runs: phases started and ended, log lines, the build's end."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from codeyard.runner.engine.states import BuildPhaseType, PhaseContext, StatusType


@dataclass(frozen=True)
class PhaseStarted:
    """A phase began (COMPLETED only ever starts)."""

    phase: BuildPhaseType
    time: datetime


@dataclass(frozen=True)
class PhaseEnded:
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


@dataclass(frozen=True)
class LogLines:
    """Lines of the build log (command output and the engine's own lines), already masked."""

    time: datetime
    lines: tuple[str, ...]


@dataclass(frozen=True)
class BuildEnded:
    """The build's final status, its exported variables and every phase record."""

    status: StatusType
    time: datetime
    phases: tuple[PhaseEnded, ...]
    exported_variables: Mapping[str, str] = field(default_factory=dict)


BuildEvent = PhaseStarted | PhaseEnded | LogLines | BuildEnded
EventSink = Callable[[BuildEvent], Awaitable[None]]
