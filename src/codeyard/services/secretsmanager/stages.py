"""Staging labels: which version carries which label, and the AWSCURRENT/AWSPREVIOUS rules.

Every function takes the labels of each version (version id -> labels) and answers the new
labels of every version, without touching the store.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from codeyard.services.secretsmanager.errors import InvalidParameter, LimitExceeded, ResourceNotFound

AWSCURRENT = "AWSCURRENT"
AWSPREVIOUS = "AWSPREVIOUS"
AWSPENDING = "AWSPENDING"
MAX_LABELS_PER_VERSION = 20

Labels = Mapping[str, Sequence[str]]


def holder(labels: Labels, label: str) -> str | None:
    """The version that carries `label`, if any."""
    for version_id, attached in labels.items():
        if label in attached:
            return version_id
    return None


def _copy(labels: Labels) -> dict[str, list[str]]:
    return {version_id: list(attached) for version_id, attached in labels.items()}


def _detach(result: dict[str, list[str]], label: str) -> None:
    for attached in result.values():
        if label in attached:
            attached.remove(label)


def _current_moved(result: dict[str, list[str]], old_current: str | None, new_current: str) -> None:
    """When AWSCURRENT leaves a version, that version becomes the only AWSPREVIOUS."""
    if old_current is None or old_current == new_current:
        return
    _detach(result, AWSPREVIOUS)
    result[old_current].append(AWSPREVIOUS)


def _check_limit(result: dict[str, list[str]], version_id: str) -> None:
    if len(result[version_id]) > MAX_LABELS_PER_VERSION:
        raise LimitExceeded(
            f"A version of a secret can have at most {MAX_LABELS_PER_VERSION} staging labels attached."
        )


def attach(labels: Labels, version_id: str, wanted: Sequence[str]) -> dict[str, list[str]]:
    """Labels after `wanted` move to `version_id` (a new version or an existing one).

    Each label leaves the version that had it. The first version of a secret always gets
    AWSCURRENT, as AWS does; when AWSCURRENT moves, its former holder becomes AWSPREVIOUS.
    """
    result = _copy(labels)
    old_current = holder(labels, AWSCURRENT)
    chosen = list(dict.fromkeys(wanted))
    if old_current is None and AWSCURRENT not in chosen:
        chosen.append(AWSCURRENT)
    target = result.setdefault(version_id, [])
    for label in chosen:
        _detach(result, label)
        target.append(label)
    if AWSCURRENT in chosen:
        _current_moved(result, old_current, version_id)
    _check_limit(result, version_id)
    return result


def move(labels: Labels, label: str, remove_from: str | None, move_to: str | None) -> dict[str, list[str]]:
    """UpdateSecretVersionStage: take `label` off `remove_from` and put it on `move_to`."""
    if remove_from is None and move_to is None:
        # AWS does not say what a call naming neither version does; we refuse it as a no-op.
        raise InvalidParameter("You must specify MoveToVersionId, RemoveFromVersionId, or both.")
    if move_to is not None and move_to not in labels:
        raise ResourceNotFound(
            f"Secrets Manager can't find the specified secret value for VersionId: {move_to}"
        )
    current = holder(labels, label)
    if remove_from is not None:
        if remove_from not in labels or label not in labels[remove_from]:
            raise InvalidParameter(
                f"The staging label {label} is not attached to the version {remove_from}, "
                "so you can't remove it from that version."
            )
    elif current is not None and current != move_to:
        raise InvalidParameter(
            f"The parameter RemoveFromVersionId can't be empty. Staging label {label} is currently "
            f"attached to version {current}, so you must explicitly reference that version in "
            "RemoveFromVersionId."
        )
    if label == AWSCURRENT and move_to is None:
        # AWS keeps AWSCURRENT on some version at all times: it can only be moved, never dropped.
        raise InvalidParameter(
            "You can't remove the staging label AWSCURRENT from a version without moving it to "
            "another version. Specify MoveToVersionId."
        )
    result = _copy(labels)
    if remove_from is not None:
        result[remove_from].remove(label)
    if move_to is not None and label not in result[move_to]:
        result[move_to].append(label)
        _check_limit(result, move_to)
    if label == AWSCURRENT and move_to is not None:
        _current_moved(result, remove_from, move_to)
    return result


def changed(before: Labels, after: Labels) -> dict[str, list[str]]:
    """The versions whose labels differ between `before` and `after` (new versions included)."""
    return {
        version_id: list(attached)
        for version_id, attached in after.items()
        if list(before.get(version_id, ())) != list(attached)
    }
