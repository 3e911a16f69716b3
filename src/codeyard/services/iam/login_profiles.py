"""Login profiles: a user's console password, kept only as an scrypt hash."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from codeyard.accounts import Principal, RequestContext
from codeyard.errors import ValidationException
from codeyard.services.iam.arns import user_principal
from codeyard.services.iam.base import IamBase
from codeyard.services.iam.errors import EntityAlreadyExists, NoSuchEntity
from codeyard.services.iam.passwords import check_policy, hash_password, verify_password
from codeyard.store.ports import UnitOfWork
from codeyard.store.ports.iam import LoginProfileRecord

# A fixed hash to verify against when there is no profile, so both paths cost the same.
_DECOY = "scrypt$16384$8$1$JZGo/xF4dE3fD4DKSEBJbg==$hN3EjXx/njR+sVlKz36OAha8fxAbBQRA/MgVRnHyL0E="


class LoginProfilesMixin(IamBase):
    @staticmethod
    def _profile(uow: UnitOfWork, user_name: str) -> LoginProfileRecord:
        profile = uow.login_profiles.get(user_name=user_name)
        if profile is None:
            raise NoSuchEntity(f"Login Profile for User {user_name} cannot be found.")
        return profile

    @staticmethod
    def _profile_shape(profile: LoginProfileRecord) -> dict[str, Any]:
        return {
            "LoginProfile": {
                "UserName": profile.user_name,
                "CreateDate": profile.created_at,
                "PasswordResetRequired": profile.password_reset_required,
            }
        }

    def create_login_profile(
        self,
        ctx: RequestContext,
        *,
        user_name: str | None = None,
        password: str | None = None,
        password_reset_required: bool | None = None,
        max_signin_session_duration: int | None = None,
    ) -> dict[str, Any]:
        owner = self._target_user(ctx, user_name)
        if password is None:
            # Without a password AWS makes a profile for password recovery only; Codeyard has no
            # recovery by mail, so it asks for one.
            raise ValidationException("Password is required: Codeyard has no password recovery by mail.")
        check_policy(password, owner)
        profile = LoginProfileRecord(
            user_name=owner,
            password_hash=hash_password(password),
            created_at=self._clock.now(),
            password_reset_required=bool(password_reset_required),
        )
        with self._changes() as uow:
            self._user(uow, owner)
            if uow.login_profiles.get(user_name=owner) is not None:
                raise EntityAlreadyExists(f"Login Profile for user {owner} already exists.")
            uow.login_profiles.add(profile)
            self._commit(uow)
        return self._profile_shape(profile)

    def get_login_profile(self, ctx: RequestContext, *, user_name: str | None = None) -> dict[str, Any]:
        owner = self._target_user(ctx, user_name)
        with self._store.reader() as uow:
            self._user(uow, owner)
            return self._profile_shape(self._profile(uow, owner))

    def update_login_profile(
        self,
        ctx: RequestContext,
        *,
        user_name: str,
        password: str | None = None,
        password_reset_required: bool | None = None,
        max_signin_session_duration: int | None = None,
        reset_max_signin_session_duration: bool | None = None,
    ) -> dict[str, Any]:
        if password is not None:
            check_policy(password, user_name)
        hashed = hash_password(password) if password is not None else None
        with self._changes() as uow:
            self._user(uow, user_name)
            profile = self._profile(uow, user_name)
            profile = replace(
                profile,
                password_hash=hashed or profile.password_hash,
                password_reset_required=(
                    profile.password_reset_required
                    if password_reset_required is None
                    else password_reset_required
                ),
            )
            uow.login_profiles.update(profile)
            self._commit(uow)
        return {}

    def delete_login_profile(self, ctx: RequestContext, *, user_name: str | None = None) -> dict[str, Any]:
        owner = self._target_user(ctx, user_name)
        with self._changes() as uow:
            self._user(uow, owner)
            self._profile(uow, owner)
            uow.login_profiles.remove(user_name=owner)
            self._commit(uow)
        return {}

    def verify_console_password(self, user_name: str, password: str) -> Principal | None:
        """The user when `password` is their console password (not an AWS operation)."""
        with self._store.reader() as uow:
            profile = uow.login_profiles.get(user_name=user_name)
            user = uow.users.get(user_name=user_name)
        if profile is None or user is None:
            verify_password(password, _DECOY)  # the same work either way: no timing oracle for names
            return None
        if not verify_password(password, profile.password_hash):
            return None
        return user_principal(self._account_id, user.arn, user.user_id, user.user_name)
