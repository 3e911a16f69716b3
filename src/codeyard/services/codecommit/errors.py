"""The errors of CodeCommit: one class per error shape of the botocore model, named as the shape.

tests/unit/services/codecommit/test_errors.py checks each `code` against the installed model."""

from __future__ import annotations

from codeyard.errors import CodeyardError


class ActorDoesNotExistException(CodeyardError):
    code = "ActorDoesNotExistException"


class ApprovalRuleContentRequiredException(CodeyardError):
    code = "ApprovalRuleContentRequiredException"


class ApprovalRuleDoesNotExistException(CodeyardError):
    code = "ApprovalRuleDoesNotExistException"


class ApprovalRuleNameAlreadyExistsException(CodeyardError):
    code = "ApprovalRuleNameAlreadyExistsException"


class ApprovalRuleNameRequiredException(CodeyardError):
    code = "ApprovalRuleNameRequiredException"


class ApprovalRuleTemplateContentRequiredException(CodeyardError):
    code = "ApprovalRuleTemplateContentRequiredException"


class ApprovalRuleTemplateDoesNotExistException(CodeyardError):
    code = "ApprovalRuleTemplateDoesNotExistException"


class ApprovalRuleTemplateInUseException(CodeyardError):
    code = "ApprovalRuleTemplateInUseException"


class ApprovalRuleTemplateNameAlreadyExistsException(CodeyardError):
    code = "ApprovalRuleTemplateNameAlreadyExistsException"


class ApprovalRuleTemplateNameRequiredException(CodeyardError):
    code = "ApprovalRuleTemplateNameRequiredException"


class ApprovalStateRequiredException(CodeyardError):
    code = "ApprovalStateRequiredException"


class AuthorDoesNotExistException(CodeyardError):
    code = "AuthorDoesNotExistException"


class BeforeCommitIdAndAfterCommitIdAreSameException(CodeyardError):
    code = "BeforeCommitIdAndAfterCommitIdAreSameException"


class BlobIdDoesNotExistException(CodeyardError):
    code = "BlobIdDoesNotExistException"


class BlobIdRequiredException(CodeyardError):
    code = "BlobIdRequiredException"


class BranchDoesNotExistException(CodeyardError):
    code = "BranchDoesNotExistException"


class BranchNameExistsException(CodeyardError):
    code = "BranchNameExistsException"


class BranchNameIsTagNameException(CodeyardError):
    code = "BranchNameIsTagNameException"


class BranchNameRequiredException(CodeyardError):
    code = "BranchNameRequiredException"


class CannotDeleteApprovalRuleFromTemplateException(CodeyardError):
    code = "CannotDeleteApprovalRuleFromTemplateException"


class CannotModifyApprovalRuleFromTemplateException(CodeyardError):
    code = "CannotModifyApprovalRuleFromTemplateException"


class ClientRequestTokenRequiredException(CodeyardError):
    code = "ClientRequestTokenRequiredException"


class CommentContentRequiredException(CodeyardError):
    code = "CommentContentRequiredException"


class CommentContentSizeLimitExceededException(CodeyardError):
    code = "CommentContentSizeLimitExceededException"


class CommentDeletedException(CodeyardError):
    code = "CommentDeletedException"


class CommentDoesNotExistException(CodeyardError):
    code = "CommentDoesNotExistException"


class CommentIdRequiredException(CodeyardError):
    code = "CommentIdRequiredException"


class CommentNotCreatedByCallerException(CodeyardError):
    code = "CommentNotCreatedByCallerException"


class CommitDoesNotExistException(CodeyardError):
    code = "CommitDoesNotExistException"


class CommitIdDoesNotExistException(CodeyardError):
    code = "CommitIdDoesNotExistException"


class CommitIdRequiredException(CodeyardError):
    code = "CommitIdRequiredException"


class CommitIdsLimitExceededException(CodeyardError):
    code = "CommitIdsLimitExceededException"


class CommitIdsListRequiredException(CodeyardError):
    code = "CommitIdsListRequiredException"


class CommitMessageLengthExceededException(CodeyardError):
    code = "CommitMessageLengthExceededException"


class CommitRequiredException(CodeyardError):
    code = "CommitRequiredException"


class ConcurrentReferenceUpdateException(CodeyardError):
    code = "ConcurrentReferenceUpdateException"


class DefaultBranchCannotBeDeletedException(CodeyardError):
    code = "DefaultBranchCannotBeDeletedException"


class DirectoryNameConflictsWithFileNameException(CodeyardError):
    code = "DirectoryNameConflictsWithFileNameException"


class EncryptionIntegrityChecksFailedException(CodeyardError):
    code = "EncryptionIntegrityChecksFailedException"


class EncryptionKeyAccessDeniedException(CodeyardError):
    code = "EncryptionKeyAccessDeniedException"


class EncryptionKeyDisabledException(CodeyardError):
    code = "EncryptionKeyDisabledException"


class EncryptionKeyInvalidIdException(CodeyardError):
    code = "EncryptionKeyInvalidIdException"


class EncryptionKeyInvalidUsageException(CodeyardError):
    code = "EncryptionKeyInvalidUsageException"


class EncryptionKeyNotFoundException(CodeyardError):
    code = "EncryptionKeyNotFoundException"


class EncryptionKeyRequiredException(CodeyardError):
    code = "EncryptionKeyRequiredException"


class EncryptionKeyUnavailableException(CodeyardError):
    code = "EncryptionKeyUnavailableException"


class FileContentAndSourceFileSpecifiedException(CodeyardError):
    code = "FileContentAndSourceFileSpecifiedException"


class FileContentRequiredException(CodeyardError):
    code = "FileContentRequiredException"


class FileContentSizeLimitExceededException(CodeyardError):
    code = "FileContentSizeLimitExceededException"


class FileDoesNotExistException(CodeyardError):
    code = "FileDoesNotExistException"


class FileEntryRequiredException(CodeyardError):
    code = "FileEntryRequiredException"


class FileModeRequiredException(CodeyardError):
    code = "FileModeRequiredException"


class FileNameConflictsWithDirectoryNameException(CodeyardError):
    code = "FileNameConflictsWithDirectoryNameException"


class FilePathConflictsWithSubmodulePathException(CodeyardError):
    code = "FilePathConflictsWithSubmodulePathException"


class FileTooLargeException(CodeyardError):
    code = "FileTooLargeException"


class FolderContentSizeLimitExceededException(CodeyardError):
    code = "FolderContentSizeLimitExceededException"


class FolderDoesNotExistException(CodeyardError):
    code = "FolderDoesNotExistException"


class IdempotencyParameterMismatchException(CodeyardError):
    code = "IdempotencyParameterMismatchException"


class InvalidActorArnException(CodeyardError):
    code = "InvalidActorArnException"


class InvalidApprovalRuleContentException(CodeyardError):
    code = "InvalidApprovalRuleContentException"


class InvalidApprovalRuleNameException(CodeyardError):
    code = "InvalidApprovalRuleNameException"


class InvalidApprovalRuleTemplateContentException(CodeyardError):
    code = "InvalidApprovalRuleTemplateContentException"


class InvalidApprovalRuleTemplateDescriptionException(CodeyardError):
    code = "InvalidApprovalRuleTemplateDescriptionException"


class InvalidApprovalRuleTemplateNameException(CodeyardError):
    code = "InvalidApprovalRuleTemplateNameException"


class InvalidApprovalStateException(CodeyardError):
    code = "InvalidApprovalStateException"


class InvalidAuthorArnException(CodeyardError):
    code = "InvalidAuthorArnException"


class InvalidBlobIdException(CodeyardError):
    code = "InvalidBlobIdException"


class InvalidBranchNameException(CodeyardError):
    code = "InvalidBranchNameException"


class InvalidClientRequestTokenException(CodeyardError):
    code = "InvalidClientRequestTokenException"


class InvalidCommentIdException(CodeyardError):
    code = "InvalidCommentIdException"


class InvalidCommitException(CodeyardError):
    code = "InvalidCommitException"


class InvalidCommitIdException(CodeyardError):
    code = "InvalidCommitIdException"


class InvalidConflictDetailLevelException(CodeyardError):
    code = "InvalidConflictDetailLevelException"


class InvalidConflictResolutionException(CodeyardError):
    code = "InvalidConflictResolutionException"


class InvalidConflictResolutionStrategyException(CodeyardError):
    code = "InvalidConflictResolutionStrategyException"


class InvalidContinuationTokenException(CodeyardError):
    code = "InvalidContinuationTokenException"


class InvalidDeletionParameterException(CodeyardError):
    code = "InvalidDeletionParameterException"


class InvalidDescriptionException(CodeyardError):
    code = "InvalidDescriptionException"


class InvalidDestinationCommitSpecifierException(CodeyardError):
    code = "InvalidDestinationCommitSpecifierException"


class InvalidEmailException(CodeyardError):
    code = "InvalidEmailException"


class InvalidFileLocationException(CodeyardError):
    code = "InvalidFileLocationException"


class InvalidFileModeException(CodeyardError):
    code = "InvalidFileModeException"


class InvalidFilePositionException(CodeyardError):
    code = "InvalidFilePositionException"


class InvalidMaxConflictFilesException(CodeyardError):
    code = "InvalidMaxConflictFilesException"


class InvalidMaxMergeHunksException(CodeyardError):
    code = "InvalidMaxMergeHunksException"


class InvalidMaxResultsException(CodeyardError):
    code = "InvalidMaxResultsException"


class InvalidMergeOptionException(CodeyardError):
    code = "InvalidMergeOptionException"


class InvalidOrderException(CodeyardError):
    code = "InvalidOrderException"


class InvalidOverrideStatusException(CodeyardError):
    code = "InvalidOverrideStatusException"


class InvalidParentCommitIdException(CodeyardError):
    code = "InvalidParentCommitIdException"


class InvalidPathException(CodeyardError):
    code = "InvalidPathException"


class InvalidPullRequestEventTypeException(CodeyardError):
    code = "InvalidPullRequestEventTypeException"


class InvalidPullRequestIdException(CodeyardError):
    code = "InvalidPullRequestIdException"


class InvalidPullRequestStatusException(CodeyardError):
    code = "InvalidPullRequestStatusException"


class InvalidPullRequestStatusUpdateException(CodeyardError):
    code = "InvalidPullRequestStatusUpdateException"


class InvalidReactionUserArnException(CodeyardError):
    code = "InvalidReactionUserArnException"


class InvalidReactionValueException(CodeyardError):
    code = "InvalidReactionValueException"


class InvalidReferenceNameException(CodeyardError):
    code = "InvalidReferenceNameException"


class InvalidRelativeFileVersionEnumException(CodeyardError):
    code = "InvalidRelativeFileVersionEnumException"


class InvalidReplacementContentException(CodeyardError):
    code = "InvalidReplacementContentException"


class InvalidReplacementTypeException(CodeyardError):
    code = "InvalidReplacementTypeException"


class InvalidRepositoryDescriptionException(CodeyardError):
    code = "InvalidRepositoryDescriptionException"


class InvalidRepositoryNameException(CodeyardError):
    code = "InvalidRepositoryNameException"


class InvalidRepositoryTriggerBranchNameException(CodeyardError):
    code = "InvalidRepositoryTriggerBranchNameException"


class InvalidRepositoryTriggerCustomDataException(CodeyardError):
    code = "InvalidRepositoryTriggerCustomDataException"


class InvalidRepositoryTriggerDestinationArnException(CodeyardError):
    code = "InvalidRepositoryTriggerDestinationArnException"


class InvalidRepositoryTriggerEventsException(CodeyardError):
    code = "InvalidRepositoryTriggerEventsException"


class InvalidRepositoryTriggerNameException(CodeyardError):
    code = "InvalidRepositoryTriggerNameException"


class InvalidRepositoryTriggerRegionException(CodeyardError):
    code = "InvalidRepositoryTriggerRegionException"


class InvalidResourceArnException(CodeyardError):
    code = "InvalidResourceArnException"


class InvalidRevisionIdException(CodeyardError):
    code = "InvalidRevisionIdException"


class InvalidRuleContentSha256Exception(CodeyardError):
    code = "InvalidRuleContentSha256Exception"


class InvalidSortByException(CodeyardError):
    code = "InvalidSortByException"


class InvalidSourceCommitSpecifierException(CodeyardError):
    code = "InvalidSourceCommitSpecifierException"


class InvalidSystemTagUsageException(CodeyardError):
    code = "InvalidSystemTagUsageException"


class InvalidTagKeysListException(CodeyardError):
    code = "InvalidTagKeysListException"


class InvalidTagsMapException(CodeyardError):
    code = "InvalidTagsMapException"


class InvalidTargetBranchException(CodeyardError):
    code = "InvalidTargetBranchException"


class InvalidTargetException(CodeyardError):
    code = "InvalidTargetException"


class InvalidTargetsException(CodeyardError):
    code = "InvalidTargetsException"


class InvalidTitleException(CodeyardError):
    code = "InvalidTitleException"


class ManualMergeRequiredException(CodeyardError):
    code = "ManualMergeRequiredException"


class MaximumBranchesExceededException(CodeyardError):
    code = "MaximumBranchesExceededException"


class MaximumConflictResolutionEntriesExceededException(CodeyardError):
    code = "MaximumConflictResolutionEntriesExceededException"


class MaximumFileContentToLoadExceededException(CodeyardError):
    code = "MaximumFileContentToLoadExceededException"


class MaximumFileEntriesExceededException(CodeyardError):
    code = "MaximumFileEntriesExceededException"


class MaximumItemsToCompareExceededException(CodeyardError):
    code = "MaximumItemsToCompareExceededException"


class MaximumNumberOfApprovalsExceededException(CodeyardError):
    code = "MaximumNumberOfApprovalsExceededException"


class MaximumOpenPullRequestsExceededException(CodeyardError):
    code = "MaximumOpenPullRequestsExceededException"


class MaximumRepositoryNamesExceededException(CodeyardError):
    code = "MaximumRepositoryNamesExceededException"


class MaximumRepositoryTriggersExceededException(CodeyardError):
    code = "MaximumRepositoryTriggersExceededException"


class MaximumRuleTemplatesAssociatedWithRepositoryException(CodeyardError):
    code = "MaximumRuleTemplatesAssociatedWithRepositoryException"


class MergeOptionRequiredException(CodeyardError):
    code = "MergeOptionRequiredException"


class MultipleConflictResolutionEntriesException(CodeyardError):
    code = "MultipleConflictResolutionEntriesException"


class MultipleRepositoriesInPullRequestException(CodeyardError):
    code = "MultipleRepositoriesInPullRequestException"


class NameLengthExceededException(CodeyardError):
    code = "NameLengthExceededException"


class NoChangeException(CodeyardError):
    code = "NoChangeException"


class NumberOfRuleTemplatesExceededException(CodeyardError):
    code = "NumberOfRuleTemplatesExceededException"


class NumberOfRulesExceededException(CodeyardError):
    code = "NumberOfRulesExceededException"


class OperationNotAllowedException(CodeyardError):
    code = "OperationNotAllowedException"


class OverrideAlreadySetException(CodeyardError):
    code = "OverrideAlreadySetException"


class OverrideStatusRequiredException(CodeyardError):
    code = "OverrideStatusRequiredException"


class ParentCommitDoesNotExistException(CodeyardError):
    code = "ParentCommitDoesNotExistException"


class ParentCommitIdOutdatedException(CodeyardError):
    code = "ParentCommitIdOutdatedException"


class ParentCommitIdRequiredException(CodeyardError):
    code = "ParentCommitIdRequiredException"


class PathDoesNotExistException(CodeyardError):
    code = "PathDoesNotExistException"


class PathRequiredException(CodeyardError):
    code = "PathRequiredException"


class PullRequestAlreadyClosedException(CodeyardError):
    code = "PullRequestAlreadyClosedException"


class PullRequestApprovalRulesNotSatisfiedException(CodeyardError):
    code = "PullRequestApprovalRulesNotSatisfiedException"


class PullRequestCannotBeApprovedByAuthorException(CodeyardError):
    code = "PullRequestCannotBeApprovedByAuthorException"


class PullRequestDoesNotExistException(CodeyardError):
    code = "PullRequestDoesNotExistException"


class PullRequestIdRequiredException(CodeyardError):
    code = "PullRequestIdRequiredException"


class PullRequestStatusRequiredException(CodeyardError):
    code = "PullRequestStatusRequiredException"


class PutFileEntryConflictException(CodeyardError):
    code = "PutFileEntryConflictException"


class ReactionLimitExceededException(CodeyardError):
    code = "ReactionLimitExceededException"


class ReactionValueRequiredException(CodeyardError):
    code = "ReactionValueRequiredException"


class ReferenceDoesNotExistException(CodeyardError):
    code = "ReferenceDoesNotExistException"


class ReferenceNameRequiredException(CodeyardError):
    code = "ReferenceNameRequiredException"


class ReferenceTypeNotSupportedException(CodeyardError):
    code = "ReferenceTypeNotSupportedException"


class ReplacementContentRequiredException(CodeyardError):
    code = "ReplacementContentRequiredException"


class ReplacementTypeRequiredException(CodeyardError):
    code = "ReplacementTypeRequiredException"


class RepositoryDoesNotExistException(CodeyardError):
    code = "RepositoryDoesNotExistException"


class RepositoryLimitExceededException(CodeyardError):
    code = "RepositoryLimitExceededException"


class RepositoryNameExistsException(CodeyardError):
    code = "RepositoryNameExistsException"


class RepositoryNameRequiredException(CodeyardError):
    code = "RepositoryNameRequiredException"


class RepositoryNamesRequiredException(CodeyardError):
    code = "RepositoryNamesRequiredException"


class RepositoryNotAssociatedWithPullRequestException(CodeyardError):
    code = "RepositoryNotAssociatedWithPullRequestException"


class RepositoryTriggerBranchNameListRequiredException(CodeyardError):
    code = "RepositoryTriggerBranchNameListRequiredException"


class RepositoryTriggerDestinationArnRequiredException(CodeyardError):
    code = "RepositoryTriggerDestinationArnRequiredException"


class RepositoryTriggerEventsListRequiredException(CodeyardError):
    code = "RepositoryTriggerEventsListRequiredException"


class RepositoryTriggerNameRequiredException(CodeyardError):
    code = "RepositoryTriggerNameRequiredException"


class RepositoryTriggersListRequiredException(CodeyardError):
    code = "RepositoryTriggersListRequiredException"


class ResourceArnRequiredException(CodeyardError):
    code = "ResourceArnRequiredException"


class RestrictedSourceFileException(CodeyardError):
    code = "RestrictedSourceFileException"


class RevisionIdRequiredException(CodeyardError):
    code = "RevisionIdRequiredException"


class RevisionNotCurrentException(CodeyardError):
    code = "RevisionNotCurrentException"


class SameFileContentException(CodeyardError):
    code = "SameFileContentException"


class SamePathRequestException(CodeyardError):
    code = "SamePathRequestException"


class SourceAndDestinationAreSameException(CodeyardError):
    code = "SourceAndDestinationAreSameException"


class SourceFileOrContentRequiredException(CodeyardError):
    code = "SourceFileOrContentRequiredException"


class TagKeysListRequiredException(CodeyardError):
    code = "TagKeysListRequiredException"


class TagPolicyException(CodeyardError):
    code = "TagPolicyException"


class TagsMapRequiredException(CodeyardError):
    code = "TagsMapRequiredException"


class TargetRequiredException(CodeyardError):
    code = "TargetRequiredException"


class TargetsRequiredException(CodeyardError):
    code = "TargetsRequiredException"


class TipOfSourceReferenceIsDifferentException(CodeyardError):
    code = "TipOfSourceReferenceIsDifferentException"


class TipsDivergenceExceededException(CodeyardError):
    code = "TipsDivergenceExceededException"


class TitleRequiredException(CodeyardError):
    code = "TitleRequiredException"


class TooManyTagsException(CodeyardError):
    code = "TooManyTagsException"


class ValidationException(CodeyardError):
    code = "ValidationException"
