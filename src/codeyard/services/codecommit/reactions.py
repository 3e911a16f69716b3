"""Emoji reactions to comments: one per user per comment, given as an emoji, a short code or a
Unicode code point, and read back with the users who gave each."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from codeyard.accounts import RequestContext
from codeyard.services.codecommit.comment_base import CommentBase
from codeyard.services.codecommit.errors import (
    InvalidReactionUserArnException,
    InvalidReactionValueException,
)
from codeyard.services.codecommit.listing import page_size, paged
from codeyard.store.ports import UnitOfWork
from codeyard.store.ports.codecommit import CommentRecord

COMMENT_REACTION_CHANGE = "CodeCommit Comment Reaction Change"
REACTIONS_PER_PAGE = 1000  # the default and the most, as the model documents
_IDENTITY_ARN = re.compile(r"arn:aws[a-z-]*:(iam|sts)::\d{12}:\S+")
_REMOVE = ("", "none", ":none:")  # a blank value or "none" takes the caller's reaction away


@dataclass(frozen=True)
class Reaction:
    """A reaction CodeCommit takes; `name` is how comments count it (reactionCounts)."""

    name: str
    emoji: str
    short_code: str
    unicode: str
    aliases: tuple[str, ...] = ()

    def formats(self) -> dict[str, str]:
        """The ReactionValueFormats shape."""
        return {"emoji": self.emoji, "shortCode": self.short_code, "unicode": self.unicode}

    def spellings(self) -> tuple[str, ...]:
        """Every way a caller may name it, folded to lower case."""
        bare = self.short_code.strip(":")
        return (self.name.lower(), self.emoji, self.short_code, bare, self.unicode.lower(), *self.aliases)


# Our choice of the supported set (AWS's user guide lists its own in a table the API model lacks).
REACTIONS = (
    Reaction("THUMBSUP", "\U0001f44d", ":thumbsup:", "U+1F44D", (":+1:", "+1")),
    Reaction("THUMBSDOWN", "\U0001f44e", ":thumbsdown:", "U+1F44E", (":-1:", "-1")),
    Reaction("SMILE", "\U0001f600", ":smile:", "U+1F600"),
    Reaction("LAUGH", "\U0001f602", ":laugh:", "U+1F602", (":joy:",)),
    Reaction("HEART", "\u2764", ":heart:", "U+2764"),
    Reaction("CONFUSED", "\U0001f615", ":confused:", "U+1F615"),
    Reaction("CLAP", "\U0001f44f", ":clap:", "U+1F44F"),
    Reaction("HOORAY", "\U0001f389", ":hooray:", "U+1F389", (":tada:",)),
    Reaction("ROCKET", "\U0001f680", ":rocket:", "U+1F680"),
    Reaction("EYES", "\U0001f440", ":eyes:", "U+1F440"),
)
_BY_SPELLING = {spelling: r for r in REACTIONS for spelling in r.spellings()}


def reaction_of(value: str) -> Reaction | None:
    """The reaction `value` names; None when it takes the reaction away."""
    folded = value.strip().replace("\ufe0f", "").lower()
    if folded in _REMOVE:
        return None
    found = _BY_SPELLING.get(folded)
    if found is None:
        supported = ", ".join(r.short_code for r in REACTIONS)
        raise InvalidReactionValueException(
            f"The reaction value {value!r} is not valid. Give an emoji, a short code or a Unicode code "
            f"point (U+1F44D) of a supported reaction: {supported}; or none to remove yours."
        )
    return found


class ReactionsMixin(CommentBase):
    def put_comment_reaction(self, ctx: RequestContext, *, comment_id: str, reaction_value: str) -> None:
        reaction = reaction_of(reaction_value)
        caller = ctx.principal.arn
        with self._store.unit_of_work() as uow:
            record = self._live_comment(uow, ctx, comment_id, for_update=True)
            before = record.reactions.get(caller)
            after = reaction.name if reaction else None
            if before == after:
                return
            reactions = {arn: name for arn, name in record.reactions.items() if arn != caller}
            if after is not None:
                reactions[caller] = after  # one reaction per user: a new one replaces the old
            record = replace(record, reactions=reactions)
            uow.comments.update(record)
            self._reaction_event(uow, ctx, record, reaction, created=before is None)
            uow.commit()

    def get_comment_reactions(
        self,
        ctx: RequestContext,
        *,
        comment_id: str,
        reaction_user_arn: str | None = None,
        next_token: str | None = None,
        max_results: int | None = None,
    ) -> dict[str, Any]:
        size = page_size(max_results, default=REACTIONS_PER_PAGE, maximum=REACTIONS_PER_PAGE)
        if reaction_user_arn is not None and not _IDENTITY_ARN.fullmatch(reaction_user_arn):
            raise InvalidReactionUserArnException(
                f"The ARN {reaction_user_arn} is not the ARN of a user or an assumed role."
            )
        with self._reading() as uow:
            record = self._live_comment(uow, ctx, comment_id)
            given = {
                arn: name
                for arn, name in record.reactions.items()
                if reaction_user_arn is None or arn == reaction_user_arn
            }
            present = {arn: self._identity_exists(uow, arn) for arn in given}
        answer: list[dict[str, Any]] = []
        for reaction in REACTIONS:
            users = sorted(arn for arn, name in given.items() if name == reaction.name)
            if users:
                answer.append(
                    {
                        "reaction": reaction.formats(),
                        "reactionUsers": [arn for arn in users if present[arn]],
                        "reactionsFromDeletedUsersCount": sum(1 for arn in users if not present[arn]),
                    }
                )
        kind = f"reactions-{record.comment_id}-{reaction_user_arn or ''}"
        return paged("reactionsForComment", answer, next_token, size, kind)

    # --- helpers -----------------------------------------------------------------------------------

    @staticmethod
    def _identity_exists(uow: UnitOfWork, arn: str) -> bool:
        """Whether the IAM user or role behind `arn` still exists (root always does)."""
        resource = arn.split(":", 5)[5]
        if resource.startswith("user/"):
            user = uow.users.get(user_name=resource.rsplit("/", 1)[1])
            return user is not None and user.arn == arn
        if resource.startswith("assumed-role/"):
            return uow.roles.get(role_name=resource.split("/")[1]) is not None
        return True

    def _reaction_event(
        self,
        uow: UnitOfWork,
        ctx: RequestContext,
        record: CommentRecord,
        reaction: Reaction | None,
        *,
        created: bool,
    ) -> None:
        """A `CodeCommit Comment Reaction Change`; without a reaction, the caller took theirs away."""
        repository = self._repository_by_id(uow, record.repository_id)
        detail: dict[str, Any] = {
            "event": "commentReactionCreated" if created else "commentReactionUpdated",
            "repositoryName": repository.repository_name,
            "repositoryId": repository.repository_id,
            "commentId": record.comment_id,
            "callerUserArn": ctx.principal.arn,
        }
        if record.pull_request_id is not None:
            detail["pullRequestId"] = str(record.pull_request_id)
        if reaction is not None:
            detail.update(
                reactionEmoji=reaction.emoji,
                reactionShortCode=reaction.short_code,
                reactionUnicode=reaction.unicode,
            )
        self._emit(uow, ctx, COMMENT_REACTION_CHANGE, detail, repository.arn)
