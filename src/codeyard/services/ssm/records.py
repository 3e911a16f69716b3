"""Finding a parameter's records in a unit of work, under whichever spelling the caller used."""

from __future__ import annotations

from codeyard.services.ssm import names
from codeyard.services.ssm.errors import ParameterNotFound, ParameterVersionNotFound
from codeyard.services.ssm.names import Reference
from codeyard.store.ports import UnitOfWork
from codeyard.store.ports.ssm import ParameterRecord, ParameterVersionRecord


def not_found(name: str) -> ParameterNotFound:
    return ParameterNotFound(f"Parameter {name} not found.")


def version_not_found(name: str, version: int) -> ParameterVersionNotFound:
    return ParameterVersionNotFound(
        f"Systems Manager could not find version {version} of {name}. Verify the version and try again."
    )


def parameter(uow: UnitOfWork, region: str, name: str, *, for_update: bool = False) -> ParameterRecord | None:
    """`for_update` holds the row until commit, so concurrent writers of one parameter queue up."""
    for form in names.forms(name):
        record = uow.parameters.get(region=region, name=form, for_update=for_update)
        if record is not None:
            return record
    return None


def latest(uow: UnitOfWork, region: str, name: str) -> ParameterVersionRecord | None:
    """The current version in one query: versions only grow, so it is the highest one."""
    for form in names.forms(name):
        found = uow.parameter_versions.find(
            region=region, name=form, order_by="version", descending=True, limit=1
        )
        if found:
            return found[0]
    return None


def history(
    uow: UnitOfWork, region: str, name: str
) -> tuple[ParameterRecord, list[ParameterVersionRecord]] | None:
    """The parameter and every version it keeps, oldest first."""
    owner = parameter(uow, region, name)
    if owner is None:
        return None
    return owner, uow.parameter_versions.find(region=region, name=owner.name, order_by="version")


def resolve(uow: UnitOfWork, region: str, reference: Reference) -> ParameterVersionRecord:
    """The version a reference names: the latest, a numbered one, or the one carrying a label."""
    if reference.version is not None:
        for form in names.forms(reference.name):
            record = uow.parameter_versions.get(region=region, name=form, version=reference.version)
            if record is not None:
                return record
        if parameter(uow, region, reference.name) is None:
            raise not_found(reference.name)
        raise version_not_found(reference.name, reference.version)
    if reference.label is not None:
        owner = parameter(uow, region, reference.name)
        labelled = None if owner is None else owner.labels.get(reference.label)
        found = None
        if owner is not None and labelled is not None:
            found = uow.parameter_versions.get(region=region, name=owner.name, version=labelled)
        if found is None:
            raise not_found(reference.text)
        return found
    record = latest(uow, region, reference.name)
    if record is None:
        raise not_found(reference.name)
    return record
