"""The phase runner: one command phase's commands and `finally` block, with on-failure RETRY."""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Awaitable, Callable
from typing import NamedTuple

from codeyard.runner.buildspec.model import DEFAULT_RETRY_COUNT, DEFAULT_RETRY_REGEX, FailureAction, Phase
from codeyard.runner.engine.session import OutputSink, ShellSession
from codeyard.runner.engine.states import COMMAND_EXECUTION_ERROR, PhaseContext, StatusType

# How many of a failed command's last output lines a RETRY-<regex> is matched against.
RETRY_MATCH_LINES = 1000

SessionSource = Callable[[], Awaitable[ShellSession]]
Note = Callable[[str], Awaitable[None]]


class PhaseOutcome(NamedTuple):
    """How a command phase ended: SUCCEEDED, or FAILED with the failing command in its context."""

    status: StatusType
    contexts: tuple[PhaseContext, ...] = ()


class _Failure(NamedTuple):
    context: PhaseContext
    output: str


class PhaseRunner:
    """Runs command strings through the current session, logging each as CodeBuild's agent does."""

    def __init__(self, session: SessionSource, output: OutputSink, note: Note) -> None:
        self._session = session
        self._output = output
        self._note = note

    async def run(self, phase: Phase | None) -> PhaseOutcome:
        """Runs the phase (an absent phase succeeds at once), retrying as its on-failure says."""
        if phase is None:
            return PhaseOutcome(StatusType.SUCCEEDED)
        retries, pattern = _retry_policy(phase)
        attempt = 0
        while True:
            failure = await self._attempt(phase)
            if failure is None:
                return PhaseOutcome(StatusType.SUCCEEDED)
            if attempt < retries and _matches(pattern, failure):
                attempt += 1
                await self._note(f"Phase failed, retrying the phase: attempt {attempt} of {retries} retries")
                continue
            return PhaseOutcome(StatusType.FAILED, (failure.context,))

    async def _attempt(self, phase: Phase) -> _Failure | None:
        failure = await self._commands(phase.commands)
        if phase.finally_:
            after = await self._commands(phase.finally_)
            failure = failure or after
        return failure

    async def _commands(self, commands: tuple[str, ...]) -> _Failure | None:
        for command in commands:
            await self._note(f"Running command {command}")
            tail: deque[str] = deque(maxlen=RETRY_MATCH_LINES)

            async def output(lines: list[str], tail: deque[str] = tail) -> None:
                tail.extend(lines)
                await self._output(lines)

            session = await self._session()
            result = await session.run(command, output)
            if result.exit_code == 0 and not result.session_ended:
                continue
            reason = f"exit status {result.exit_code}"
            if result.session_ended:
                reason += " (the command ended the shell session; later commands run in a new one)"
            await self._note(f"Command did not exit successfully {command} exit status {result.exit_code}")
            message = f"Error while executing command: {command}. Reason: {reason}"
            return _Failure(PhaseContext(COMMAND_EXECUTION_ERROR, message), "\n".join(tail))
        return None


def _retry_policy(phase: Phase) -> tuple[int, str]:
    """(retries, regex) of the phase's on-failure: no retries unless it is a RETRY form."""
    on_failure = phase.on_failure
    if on_failure is None or on_failure.action is not FailureAction.RETRY:
        return 0, DEFAULT_RETRY_REGEX
    count = DEFAULT_RETRY_COUNT if on_failure.count is None else on_failure.count
    return count, on_failure.regex or DEFAULT_RETRY_REGEX


def _matches(pattern: str, failure: _Failure) -> bool:
    """True when the failed command's output (or the failure message) matches the RETRY regex."""
    try:
        expression = re.compile(pattern, re.MULTILINE)
    except re.error:
        return False
    return bool(expression.search(failure.output) or expression.search(failure.context.message))
