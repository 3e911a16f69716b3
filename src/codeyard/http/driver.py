"""Runs each request's coroutine on the spot until it first waits, then in its connection's task."""

from __future__ import annotations

import asyncio
import contextvars
from asyncio.tasks import _enter_task, _leave_task
from collections.abc import Callable, Coroutine, Generator
from typing import Any

Request = Coroutine[Any, Any, None]
CurrentTask = Callable[[asyncio.AbstractEventLoop], "asyncio.Task[Any] | None"]
# What asyncio.current_task() reads, without its Python-level wrapper (it runs once a request);
# Pythons that keep it elsewhere get asyncio.current_task itself.
_tasks_by_loop: dict[asyncio.AbstractEventLoop, asyncio.Task[Any]] | None = vars(asyncio.tasks).get(
    "_current_tasks"
)
_current_task: CurrentTask = asyncio.current_task if _tasks_by_loop is None else _tasks_by_loop.get


def in_task(loop: asyncio.AbstractEventLoop) -> bool:
    """Whether a task is running now (else: a plain callback, such as a protocol's)."""
    return _current_task(loop) is not None


_NOT_STARTED: Any = object()


class _Handoff:
    """A request coroutine and where it stopped: what it last yielded to the event loop."""

    __slots__ = ("cancelled", "coro", "ctx", "on_suspend", "yielded")

    def __init__(
        self, coro: Request, ctx: contextvars.Context, yielded: Any, on_suspend: Callable[[], None]
    ) -> None:
        self.coro = coro
        self.ctx = ctx
        self.yielded = yielded
        self.on_suspend = on_suspend
        self.cancelled = False


class _Resumed:
    """Awaiting it continues a started coroutine, passing each step through like `await` would."""

    __slots__ = ("_handoff",)

    def __init__(self, handoff: _Handoff) -> None:
        self._handoff = handoff

    def __await__(self) -> Generator[Any, Any, None]:
        handoff = self._handoff
        coro, ctx, on_suspend = handoff.coro, handoff.ctx, handoff.on_suspend
        send, throw = coro.send, coro.throw
        value = handoff.yielded
        try:
            if value is _NOT_STARTED:
                value = ctx.run(send, None)
            elif handoff.cancelled and not (isinstance(value, asyncio.Future) and value.cancel()):
                value = ctx.run(throw, asyncio.CancelledError())
        except StopIteration:
            return
        while True:
            on_suspend()
            try:
                sent = yield value
            except GeneratorExit:
                coro.close()
                raise
            except BaseException as error:  # thrown in by the task: cancellation above all
                try:
                    value = ctx.run(throw, error)
                except StopIteration:
                    return
            else:
                try:
                    value = ctx.run(send, sent)
                except StopIteration:
                    return


class Driver:
    """Runs the request coroutines of one connection, one after the other.

    An ASGI app usually answers without ever waiting (a call served from a local database):
    giving each request a Task costs a Task and a turn of the event loop. So a request's
    coroutine is first driven right where its request became complete (`coro.send(None)`), in
    the name of the connection's long-lived task, so that `asyncio.current_task()`, anyio cancel
    scopes and timeouts see one task throughout. If the coroutine waits, that task takes it over
    where it stopped. A request that starts while the previous coroutine still runs (work after
    its response) gets a Task of its own.
    """

    __slots__ = (
        "_busy",
        "_closed",
        "_handoff",
        "_host",
        "_loop",
        "_on_done",
        "_started",
        "_tasks",
        "_wake",
    )

    def __init__(self, loop: asyncio.AbstractEventLoop, on_done: Callable[[], None]) -> None:
        self._loop = loop
        self._on_done = on_done
        self._handoff: _Handoff | None = None
        self._wake: asyncio.Future[None] | None = None
        self._busy = False
        self._closed = False
        self._started = False
        self._tasks: set[asyncio.Task[None]] = set()
        self._host = loop.create_task(self._serve())

    def start(self, coro: Request, on_suspend: Callable[[], None]) -> None:
        """Runs `coro` until it finishes or first waits; `on_suspend` is called whenever it waits.

        Called outside any task (from a protocol callback); inside one, `coro` gets a Task.
        """
        loop = self._loop
        host = self._host
        if self._busy or not self._started or _current_task(loop) is not None:
            self._spawn(coro, on_suspend)
            return
        ctx = contextvars.copy_context()
        self._busy = True
        _enter_task(loop, host)
        try:
            yielded = ctx.run(coro.send, None)
        except StopIteration:
            self._busy = False
            return
        except BaseException:
            self._busy = False
            raise
        finally:
            _leave_task(loop, host)
        on_suspend()
        handoff = self._handoff = _Handoff(coro, ctx, yielded, on_suspend)
        wake = self._wake
        if wake is not None:
            if wake.cancelled():
                # The request cancelled "its" task: like a task's own, it gets it where it waits.
                handoff.cancelled = True
            elif not wake.done():
                wake.set_result(None)

    def close(self) -> None:
        """The connection is gone: the task ends once the request it runs (if any) returns."""
        self._closed = True
        wake = self._wake
        if wake is not None and not wake.done():
            wake.set_result(None)

    def cancel(self) -> list[asyncio.Task[None]]:
        """Cancels whatever still runs; returns the tasks to wait for."""
        self._closed = True
        tasks = [task for task in (self._host, *self._tasks) if not task.done()]
        for task in tasks:
            task.cancel()
        return tasks

    async def _serve(self) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._started = True
        try:
            await self._serve_requests(task)
        finally:
            self._started = False

    async def _serve_requests(self, task: asyncio.Task[None]) -> None:
        while True:
            handoff = self._handoff
            if handoff is None:
                if self._closed:
                    return
                wake = self._wake = self._loop.create_future()
                try:
                    await wake
                except asyncio.CancelledError:
                    # Meant for a request that ran on the spot in this task's name (any request
                    # still waiting has it in its handoff), or left over from one: not for this task.
                    if self._ended():
                        return
                    task.uncancel()
                finally:
                    self._wake = None
                continue
            self._handoff = None
            try:
                await _Resumed(handoff)
            except asyncio.CancelledError:
                if self._ended():
                    return
            finally:
                self._busy = False
            while task.cancelling():  # a request that swallowed a cancellation leaves none behind
                task.uncancel()
            self._on_done()

    def _ended(self) -> bool:
        return self._closed  # (read through a call: it changes while the task waits)

    def _spawn(self, coro: Request, on_suspend: Callable[[], None]) -> None:
        task = self._loop.create_task(self._alone(coro, on_suspend))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _alone(self, coro: Request, on_suspend: Callable[[], None]) -> None:
        try:
            await _Resumed(_Handoff(coro, contextvars.copy_context(), _NOT_STARTED, on_suspend))
        finally:
            self._on_done()
