"""The buildspec model of `batch` (build-list, build-graph, build-matrix, build-fanout).

Apart from codeyard.runner.buildspec.model (which names them too) so that a buildspec without a batch
is read without defining their classes: each frozen dataclass costs start-up time."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class BatchEnv:
    """A batch task's `env` override (`variables` maps names to values)."""

    compute_type: str | None = None
    image: str | None = None
    privileged_mode: bool | None = None
    type: str | None = None
    variables: dict[str, str] = field(default_factory=dict)
    fleet: str | None = None


@dataclass(frozen=True, slots=True)
class BatchTask:
    """One task of `build-list` or `build-graph`; `buildspec` None means the current file."""

    identifier: str
    buildspec: str | None = None
    debug_session: bool = False
    depend_on: tuple[str, ...] = ()
    ignore_failure: bool = False
    env: BatchEnv | None = None


@dataclass(frozen=True, slots=True)
class BatchMatrixDynamic:
    """`build-matrix.dynamic`: the values to combine, one build per combination."""

    buildspec: tuple[str, ...] = ()
    compute_type: tuple[str, ...] = ()
    image: tuple[str, ...] = ()
    variables: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class BatchMatrix:
    """`build-matrix`: `static` settings for every build and the `dynamic` combinations."""

    static: BatchTask | None = None
    dynamic: BatchMatrixDynamic = field(default_factory=BatchMatrixDynamic)


@dataclass(frozen=True, slots=True)
class BatchSpec:
    """The `batch` block (parsed and validated; executed elsewhere)."""

    fast_fail: bool = False
    build_list: tuple[BatchTask, ...] = ()
    build_graph: tuple[BatchTask, ...] = ()
    build_matrix: BatchMatrix | None = None
    build_fanout: bool = False
