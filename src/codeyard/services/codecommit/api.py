"""The CodeCommit operations, composed from one mixin per group of operations."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from codeyard.accounts import RequestContext
from codeyard.services.codecommit import names
from codeyard.services.codecommit.approvals import ApprovalsMixin
from codeyard.services.codecommit.branches import BranchesMixin
from codeyard.services.codecommit.comment_queries import CommentQueriesMixin
from codeyard.services.codecommit.comments import CommentsMixin
from codeyard.services.codecommit.commits import CommitsMixin
from codeyard.services.codecommit.differences import DifferencesMixin
from codeyard.services.codecommit.files import FilesMixin
from codeyard.services.codecommit.hosting import HostingMixin
from codeyard.services.codecommit.merges import MergesMixin
from codeyard.services.codecommit.pull_request_merges import PullRequestMergesMixin
from codeyard.services.codecommit.pull_requests import PullRequestsMixin
from codeyard.services.codecommit.reactions import ReactionsMixin
from codeyard.services.codecommit.repositories import RepositoriesMixin
from codeyard.services.codecommit.template_associations import TemplateAssociationsMixin


class CodeCommitApi(
    RepositoriesMixin,
    BranchesMixin,
    HostingMixin,
    FilesMixin,
    CommitsMixin,
    DifferencesMixin,
    MergesMixin,
    PullRequestsMixin,
    ApprovalsMixin,
    PullRequestMergesMixin,
    TemplateAssociationsMixin,
    CommentsMixin,
    CommentQueriesMixin,
    ReactionsMixin,
):
    service_name = "codecommit"
    # CodeCommit checks its input itself and answers its own errors (RepositoryNameRequiredException,
    # InvalidBranchNameException…): the protocol layer derives most from the model's error names;
    # these are the ones named otherwise, (member, failure kind) -> error code.
    validation_codes: Mapping[tuple[str, str], str] = {
        ("fileContent", "length"): "FileContentSizeLimitExceededException",
        ("content", "required"): "CommentContentRequiredException",
        ("content", "length"): "CommentContentSizeLimitExceededException",
        ("commitMessage", "length"): "CommitMessageLengthExceededException",
        ("message", "length"): "CommitMessageLengthExceededException",
        ("name", "length"): "NameLengthExceededException",
        ("authorName", "length"): "NameLengthExceededException",
        ("tags", "length"): "TooManyTagsException",
        ("repositoryNames", "required"): "RepositoryNamesRequiredException",
        ("filePath", "required"): "PathRequiredException",
        ("afterBlobId", "required"): "BlobIdRequiredException",
    }

    def resources_for(self, operation: str, params: Mapping[str, Any], ctx: RequestContext) -> Sequence[str]:
        """The repository ARN of the call; operations on other resources look theirs up."""
        name = params.get("repositoryName") or params.get("oldName")
        if isinstance(name, str) and name:
            return [names.repository_arn(ctx, name)]
        comment = params.get("commentId") or params.get("inReplyTo")
        if isinstance(comment, str) and comment:
            return [self.comment_resource(ctx, comment)]
        if params.get("pullRequestId") or params.get("targets"):
            return self._pull_request_resources(params, ctx)
        if operation in ("TagResource", "UntagResource", "ListTagsForResource"):
            return [str(params.get("resourceArn") or "*")]
        if operation in ("BatchGetRepositories", *TemplateAssociationsMixin.batch_operations):
            return [names.repository_arn(ctx, n) for n in params.get("repositoryNames", ())] or ["*"]
        return ["*"]
