"""The botocore service models, loaded once per catalog from the installed botocore."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

import botocore.session
from botocore.model import OperationModel, ServiceModel


@dataclass(frozen=True)
class ServiceSpec:
    """One service model with the names the wire uses for it."""

    model: ServiceModel

    @property
    def name(self) -> str:
        return str(self.model.service_name)

    @property
    def signing_name(self) -> str:
        return str(self.model.signing_name)

    @property
    def protocol(self) -> str:
        return str(self.model.metadata["protocol"])

    @property
    def target_prefix(self) -> str:
        return str(self.model.metadata.get("targetPrefix", ""))

    @property
    def xml_namespace(self) -> str:
        return str(self.model.metadata.get("xmlNamespace", ""))

    @cached_property
    def operations(self) -> dict[str, OperationModel]:
        return {name: self.model.operation_model(name) for name in self.model.operation_names}

    @cached_property
    def error_codes(self) -> dict[str, tuple[str, int]]:
        """Error shape name -> (wire code, HTTP status)."""
        codes: dict[str, tuple[str, int]] = {}
        for shape_name in self.model.shape_names:
            shape = self.model.shape_for(shape_name)
            if not shape.metadata.get("exception"):
                continue
            error = shape.metadata.get("error", {})
            codes[shape_name] = (
                str(error.get("code", shape_name)),
                int(error.get("httpStatusCode", 400)),
            )
        return codes


class ServiceCatalog:
    """The models of the services a server speaks, found by target prefix or signing name."""

    def __init__(self, names: Iterable[str]) -> None:
        self._names = list(names)
        self._session = botocore.session.get_session()
        self._lock = threading.Lock()
        self._specs: dict[str, ServiceSpec] = {}

    def names(self) -> list[str]:
        return list(self._names)

    def spec(self, name: str) -> ServiceSpec:
        spec = self._specs.get(name)
        if spec is None:
            with self._lock:
                spec = self._specs.get(name)
                if spec is None:
                    spec = ServiceSpec(self._session.get_service_model(name))
                    self._specs[name] = spec
        return spec

    def load_all(self) -> None:
        for name in self._names:
            self.spec(name)

    @cached_property
    def by_target_prefix(self) -> dict[str, ServiceSpec]:
        return {s.target_prefix: s for s in map(self.spec, self._names) if s.target_prefix}

    @cached_property
    def query_services(self) -> dict[str, ServiceSpec]:
        """Services on the query protocol, by signing name."""
        specs = map(self.spec, self._names)
        return {s.signing_name: s for s in specs if s.protocol == "query"}

    @cached_property
    def query_actions(self) -> dict[str, ServiceSpec]:
        """For unsigned query requests: the service each action name belongs to."""
        actions: dict[str, ServiceSpec] = {}
        for spec in self.query_services.values():
            for operation in spec.operations:
                actions.setdefault(operation, spec)
        return actions
