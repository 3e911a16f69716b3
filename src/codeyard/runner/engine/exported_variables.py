"""The exported variables a build answers: masked, and within CodePipeline's size of an action's output."""

from __future__ import annotations

from collections.abc import Callable

from codeyard.runner.engine.session import MAX_VARIABLE_BYTES, VariableValues

# CodePipeline takes at most 122,880 bytes of output variables from one action (names and values);
# the completion request that carries them stays far below the work API's 8 MiB.
MAX_EXPORTED_BYTES = 122_880


def bounded_exports(values: VariableValues, mask: Callable[[str], str]) -> tuple[dict[str, str], list[str]]:
    """The variables to export, each masked, in the order read, as long as their names and values
    together stay within MAX_EXPORTED_BYTES; and a note for each one left out."""
    notes = [
        f"Exported variable {name} is left out: its value is larger than {MAX_VARIABLE_BYTES:,} bytes"
        for name in values.oversized
    ]
    kept: dict[str, str] = {}
    used = 0
    for name, value in values.items():
        shown = mask(value)
        size = len(name.encode()) + len(shown.encode())
        if used + size > MAX_EXPORTED_BYTES:
            notes.append(
                f"Exported variable {name} is left out: the exported variables would be larger than "
                f"{MAX_EXPORTED_BYTES:,} bytes"
            )
            continue
        used += size
        kept[name] = shown
    return kept, notes
