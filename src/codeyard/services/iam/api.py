"""The IAM operations, composed from one mixin per kind of entity."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from codeyard.accounts import RequestContext
from codeyard.clock import Clock
from codeyard.crypto import SecretBox
from codeyard.ids import IdGenerator
from codeyard.services.iam.access_keys import AccessKeysMixin
from codeyard.services.iam.attachments import AttachmentsMixin
from codeyard.services.iam.epoch import IamEpoch
from codeyard.services.iam.groups import GroupsMixin
from codeyard.services.iam.inline_policies import InlinePoliciesMixin
from codeyard.services.iam.login_profiles import LoginProfilesMixin
from codeyard.services.iam.managed_policies import ManagedPoliciesMixin
from codeyard.services.iam.resources import IamResources
from codeyard.services.iam.roles import RolesMixin
from codeyard.services.iam.service_credentials import ServiceCredentialsMixin
from codeyard.services.iam.simulation import SimulationMixin
from codeyard.services.iam.ssh_keys import SshKeysMixin
from codeyard.services.iam.users import UsersMixin
from codeyard.store.ports import Store


class IamApi(
    UsersMixin,
    GroupsMixin,
    AccessKeysMixin,
    ManagedPoliciesMixin,
    AttachmentsMixin,
    InlinePoliciesMixin,
    RolesMixin,
    ServiceCredentialsMixin,
    SshKeysMixin,
    LoginProfilesMixin,
    SimulationMixin,
):
    service_name = "iam"

    def __init__(
        self,
        store: Store,
        box: SecretBox,
        clock: Clock,
        ids: IdGenerator,
        account_id: str,
        epoch: IamEpoch,
    ) -> None:
        super().__init__(store, box, clock, ids, account_id, epoch)
        self._resources = IamResources(store, account_id, epoch)

    def resources_for(self, operation: str, params: Mapping[str, Any], ctx: RequestContext) -> Sequence[str]:
        return self._resources.resources_for(operation, params, ctx)
