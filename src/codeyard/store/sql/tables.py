"""Every table, as SQLAlchemy Core. Column names equal the record field names in store/ports."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    ForeignKeyConstraint,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from codeyard.store.sql.types import Float64, UtcDateTime

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

# --- IAM -----------------------------------------------------------------------------------------

users = Table(
    "iam_users",
    metadata,
    Column("user_name", String(64), primary_key=True),
    Column("user_id", String(32), nullable=False, unique=True),
    Column("path", String(512), nullable=False),
    Column("arn", String(2048), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("permissions_boundary", String(2048)),
    Column("tags", JSON, nullable=False),
)

groups = Table(
    "iam_groups",
    metadata,
    Column("group_name", String(128), primary_key=True),
    Column("group_id", String(32), nullable=False, unique=True),
    Column("path", String(512), nullable=False),
    Column("arn", String(2048), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
)

group_members = Table(
    "iam_group_members",
    metadata,
    Column("group_name", String(128), primary_key=True),
    Column("user_name", String(64), primary_key=True),
    Index("ix_iam_group_members_user_name", "user_name"),
)

roles = Table(
    "iam_roles",
    metadata,
    Column("role_name", String(64), primary_key=True),
    Column("role_id", String(32), nullable=False, unique=True),
    Column("path", String(512), nullable=False),
    Column("arn", String(2048), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("assume_role_policy_document", Text, nullable=False),
    Column("description", String(1000), nullable=False),
    Column("max_session_duration", Integer, nullable=False),
    Column("permissions_boundary", String(2048)),
    Column("tags", JSON, nullable=False),
)

access_keys = Table(
    "iam_access_keys",
    metadata,
    Column("access_key_id", String(128), primary_key=True),
    Column("user_name", String(64), index=True),
    Column("secret_sealed", LargeBinary, nullable=False),
    Column("status", String(16), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("last_used_at", UtcDateTime),
    Column("last_used_service", String(64)),
    Column("last_used_region", String(64)),
)

managed_policies = Table(
    "iam_managed_policies",
    metadata,
    Column("arn", String(2048), primary_key=True),
    Column("policy_name", String(128), nullable=False),
    Column("policy_id", String(32), nullable=False, unique=True),
    Column("path", String(512), nullable=False),
    Column("default_version_id", String(16), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("description", String(1000), nullable=False),
    Column("next_version", Integer, nullable=False),
    Column("tags", JSON, nullable=False),
)

policy_versions = Table(
    "iam_policy_versions",
    metadata,
    Column("policy_arn", String(2048), primary_key=True),
    Column("version_id", String(16), primary_key=True),
    Column("document", Text, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    ForeignKeyConstraint(["policy_arn"], ["iam_managed_policies.arn"], ondelete="CASCADE"),
)

inline_policies = Table(
    "iam_inline_policies",
    metadata,
    Column("owner_type", String(8), primary_key=True),
    Column("owner_name", String(128), primary_key=True),
    Column("policy_name", String(128), primary_key=True),
    Column("document", Text, nullable=False),
)

policy_attachments = Table(
    "iam_policy_attachments",
    metadata,
    Column("owner_type", String(8), primary_key=True),
    Column("owner_name", String(128), primary_key=True),
    Column("policy_arn", String(2048), primary_key=True),
    Index("ix_iam_policy_attachments_policy_arn", "policy_arn"),
)

service_credentials = Table(
    "iam_service_credentials",
    metadata,
    Column("service_specific_credential_id", String(128), primary_key=True),
    Column("user_name", String(64), nullable=False, index=True),
    Column("service_name", String(128), nullable=False),
    Column("service_user_name", String(200), nullable=False),
    Column("password_digest", String(128), nullable=False),
    Column("status", String(16), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    UniqueConstraint("service_name", "service_user_name"),
)

ssh_keys = Table(
    "iam_ssh_keys",
    metadata,
    Column("ssh_public_key_id", String(128), primary_key=True),
    Column("user_name", String(64), nullable=False, index=True),
    Column("body", Text, nullable=False),
    Column("fingerprint", String(128), nullable=False),
    Column("status", String(16), nullable=False),
    Column("uploaded_at", UtcDateTime, nullable=False),
)

login_profiles = Table(
    "iam_login_profiles",
    metadata,
    Column("user_name", String(64), primary_key=True),
    Column("password_hash", String(256), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("password_reset_required", Boolean, nullable=False),
)

session_credentials = Table(
    "sts_session_credentials",
    metadata,
    Column("access_key_id", String(128), primary_key=True),
    Column("secret_sealed", LargeBinary, nullable=False),
    Column("session_token_sealed", LargeBinary, nullable=False),
    Column("principal_kind", String(16), nullable=False),
    Column("principal_arn", String(2048), nullable=False),
    Column("principal_id", String(256), nullable=False),
    Column("principal_name", String(256), nullable=False),
    Column("role_name", String(64), nullable=False),
    Column("source_user_name", String(64)),
    Column("created_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False, index=True),
    Column("session_policy", Text),
    Column("session_policy_arns", JSON, nullable=False),
)

# One row whose token changes in every transaction that changes IAM state: servers cache
# credentials and policies under the token they read, so a change on any server is seen at once.
iam_epoch = Table(
    "iam_epoch",
    metadata,
    Column("name", String(32), primary_key=True),
    Column("token", String(64), nullable=False),
)

# --- SSM Parameter Store ---------------------------------------------------------------------------

parameters = Table(
    "ssm_parameters",
    metadata,
    Column("region", String(32), primary_key=True),
    Column("name", String(2048), primary_key=True),
    Column("type", String(16), nullable=False),
    Column("version", Integer, nullable=False),
    Column("last_modified_at", UtcDateTime, nullable=False),
    Column("last_modified_user", String(2048), nullable=False),
    Column("description", String(1024), nullable=False),
    Column("allowed_pattern", String(1024), nullable=False),
    Column("key_id", String(256)),
    Column("tier", String(16), nullable=False),
    Column("data_type", String(128), nullable=False),
    Column("policies", JSON, nullable=False),
    Column("tags", JSON, nullable=False),
    Column("labels", JSON, nullable=False),
)

parameter_versions = Table(
    "ssm_parameter_versions",
    metadata,
    Column("region", String(32), primary_key=True),
    Column("name", String(2048), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("type", String(16), nullable=False),
    Column("value", Text),
    Column("sealed_value", LargeBinary),
    Column("last_modified_at", UtcDateTime, nullable=False),
    Column("last_modified_user", String(2048), nullable=False),
    Column("description", String(1024), nullable=False),
    Column("allowed_pattern", String(1024), nullable=False),
    Column("key_id", String(256)),
    Column("tier", String(16), nullable=False),
    Column("data_type", String(128), nullable=False),
    Column("policies", JSON, nullable=False),
    ForeignKeyConstraint(
        ["region", "name"], ["ssm_parameters.region", "ssm_parameters.name"], ondelete="CASCADE"
    ),
)

# --- Secrets Manager -------------------------------------------------------------------------------

secrets = Table(
    "sm_secrets",
    metadata,
    Column("arn", String(2048), primary_key=True),
    Column("region", String(32), nullable=False),
    Column("name", String(512), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("last_changed_at", UtcDateTime, nullable=False),
    Column("description", String(2048), nullable=False),
    Column("kms_key_id", String(2048)),
    Column("last_accessed_at", UtcDateTime),
    Column("deleted_at", UtcDateTime),
    Column("purge_at", UtcDateTime),
    Column("tags", JSON, nullable=False),
    Column("resource_policy", Text),
    Index("ix_sm_secrets_region_name", "region", "name", unique=True),
)

secret_versions = Table(
    "sm_secret_versions",
    metadata,
    Column("secret_arn", String(2048), primary_key=True),
    Column("version_id", String(64), primary_key=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("stages", JSON, nullable=False),
    Column("labelled", Boolean, nullable=False),
    Column("sealed_string", LargeBinary),
    Column("sealed_binary", LargeBinary),
    Column("last_accessed_at", UtcDateTime),
    ForeignKeyConstraint(["secret_arn"], ["sm_secrets.arn"], ondelete="CASCADE"),
)

# --- Events ----------------------------------------------------------------------------------------

outbox = Table(
    "outbox_events",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("event_id", String(64), nullable=False, unique=True),
    Column("source", String(128), nullable=False),
    Column("detail_type", String(256), nullable=False),
    Column("detail", JSON, nullable=False),
    Column("resources", JSON, nullable=False),
    Column("region", String(32), nullable=False),
    Column("account", String(12), nullable=False),
    Column("time", UtcDateTime, nullable=False),
    Column("delivered_at", UtcDateTime),
    Index("ix_outbox_events_pending", "delivered_at", "id"),
)

# --- CodeCommit ------------------------------------------------------------------------------------

_ID = BigInteger().with_variant(Integer, "sqlite")

repositories = Table(
    "cc_repositories",
    metadata,
    Column("region", String(32), primary_key=True),
    Column("repository_name", String(100), primary_key=True),
    Column("repository_id", String(64), nullable=False, unique=True),
    Column("arn", String(2048), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("last_modified_at", UtcDateTime, nullable=False),
    Column("description", String(1000)),
    Column("default_branch", String(256)),
    Column("kms_key_id", String(2048), nullable=False),
    Column("tags", JSON, nullable=False),
)

pull_requests = Table(
    "cc_pull_requests",
    metadata,
    Column("pull_request_id", _ID, primary_key=True, autoincrement=True),
    Column("region", String(32), nullable=False),
    Column("repository_id", String(64), nullable=False),
    Column("title", String(150), nullable=False),
    Column("status", String(16), nullable=False),
    Column("author_arn", String(2048), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("last_activity_at", UtcDateTime, nullable=False),
    Column("revision_id", String(64), nullable=False),
    Column("source_reference", String(1024), nullable=False),
    Column("destination_reference", String(1024), nullable=False),
    Column("source_commit", String(64), nullable=False),
    Column("destination_commit", String(64), nullable=False),
    Column("merge_base", String(64)),
    Column("description", Text),
    Column("client_request_token", String(256)),
    Column("merge_metadata", JSON, nullable=False),
    Column("approval_rules", JSON, nullable=False),
    Column("approvals", JSON, nullable=False),
    Column("override", JSON),
    Index("ix_cc_pull_requests_repository", "repository_id", "status"),
    Index("ix_cc_pull_requests_token", "client_request_token"),
)

pull_request_events = Table(
    "cc_pull_request_events",
    metadata,
    Column("id", _ID, primary_key=True, autoincrement=True),
    Column("pull_request_id", _ID, nullable=False, index=True),
    Column("event_type", String(64), nullable=False),
    Column("actor_arn", String(2048), nullable=False),
    Column("event_date", UtcDateTime, nullable=False),
    Column("metadata", JSON, nullable=False),
)

approval_rule_templates = Table(
    "cc_approval_rule_templates",
    metadata,
    Column("region", String(32), primary_key=True),
    Column("template_name", String(100), primary_key=True),
    Column("template_id", String(64), nullable=False, unique=True),
    Column("content", Text, nullable=False),
    Column("content_sha256", String(64), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("last_modified_at", UtcDateTime, nullable=False),
    Column("last_modified_user", String(2048), nullable=False),
    Column("description", String(1000), nullable=False),
)

template_associations = Table(
    "cc_template_associations",
    metadata,
    Column("template_id", String(64), primary_key=True),
    Column("repository_id", String(64), primary_key=True, index=True),
)

comments = Table(
    "cc_comments",
    metadata,
    Column("comment_id", String(64), primary_key=True),
    Column("region", String(32), nullable=False),
    Column("repository_id", String(64), nullable=False, index=True),
    Column("author_arn", String(2048), nullable=False),
    Column("content", Text, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("last_modified_at", UtcDateTime, nullable=False),
    Column("pull_request_id", _ID, index=True),
    Column("before_commit_id", String(64)),
    Column("after_commit_id", String(64)),
    Column("before_blob_id", String(64)),
    Column("after_blob_id", String(64)),
    Column("location", JSON),
    Column("in_reply_to", String(64), index=True),
    Column("deleted", Boolean, nullable=False),
    Column("client_request_token", String(256)),
    Column("reactions", JSON, nullable=False),
)

# --- CodeBuild -------------------------------------------------------------------------------------

projects = Table(
    "cb_projects",
    metadata,
    Column("region", String(32), primary_key=True),
    Column("name", String(150), primary_key=True),
    Column("arn", String(2048), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("last_modified_at", UtcDateTime, nullable=False),
    Column("definition", JSON, nullable=False),
    Column("tags", JSON, nullable=False),
    Column("fleet_arn", String(512)),
    # DeleteFleet looks for the projects that name the fleet.
    Index("ix_cb_projects_fleet_arn", "fleet_arn"),
)

# --- CloudWatch Logs -------------------------------------------------------------------------------

log_groups = Table(
    "logs_groups",
    metadata,
    Column("id", _ID, primary_key=True, autoincrement=True),
    Column("region", String(32), nullable=False),
    Column("name", String(512), nullable=False),
    Column("arn", String(2048), nullable=False),
    Column("creation_time", BigInteger, nullable=False),
    Column("retention_in_days", Integer),
    Column("kms_key_id", String(256)),
    Column("log_group_class", String(32), nullable=False),
    Column("stored_bytes", BigInteger, nullable=False),
    Column("tags", JSON, nullable=False),
    UniqueConstraint("region", "name", name="uq_logs_groups_name"),
)

log_streams = Table(
    "logs_streams",
    metadata,
    Column("id", _ID, primary_key=True, autoincrement=True),
    Column("group_id", _ID, nullable=False),
    Column("name", String(512), nullable=False),
    Column("arn", String(2048), nullable=False),
    Column("creation_time", BigInteger, nullable=False),
    Column("first_event_timestamp", BigInteger),
    Column("last_event_timestamp", BigInteger),
    Column("last_ingestion_time", BigInteger),
    Column("stored_bytes", BigInteger, nullable=False),
    Column("upload_sequence", BigInteger, nullable=False),
    UniqueConstraint("group_id", "name", name="uq_logs_streams_name"),
    Index("ix_logs_streams_last_event", "group_id", "last_event_timestamp"),
)

log_events = Table(
    "logs_events",
    metadata,
    Column("id", _ID, primary_key=True, autoincrement=True),
    Column("group_id", _ID, nullable=False),
    Column("stream_id", _ID, nullable=False),
    Column("timestamp", BigInteger, nullable=False),
    Column("ingestion_time", BigInteger, nullable=False),
    Column("message", Text, nullable=False),
    Index("ix_logs_events_stream_time", "stream_id", "timestamp", "id"),
    Index("ix_logs_events_stream_id", "stream_id", "id"),
    Index("ix_logs_events_group_time", "group_id", "timestamp", "id"),
)

# --- CodeBuild builds and the work queue ------------------------------------------------------------

builds = Table(
    "cb_builds",
    metadata,
    Column("id", String(255), primary_key=True),
    Column("region", String(32), nullable=False),
    Column("arn", String(2048), nullable=False),
    Column("project_name", String(150), nullable=False),
    Column("build_number", BigInteger, nullable=False),
    Column("status", String(16), nullable=False),
    Column("current_phase", String(32), nullable=False),
    Column("build_complete", Boolean, nullable=False),
    Column("start_time", UtcDateTime, nullable=False),
    Column("initiator", String(2048), nullable=False),
    Column("end_time", UtcDateTime),
    Column("details", JSON, nullable=False),
    Column("phases", JSON, nullable=False),
    Column("idempotency_token", String(255)),
    Index("ix_cb_builds_project", "region", "project_name", "build_number"),
    Index("ix_cb_builds_region_time", "region", "start_time"),
)

build_logs = Table(
    "cb_build_logs",
    metadata,
    Column("build_id", String(255), primary_key=True),
    Column("sequence", BigInteger, primary_key=True),
    Column("time", UtcDateTime, nullable=False),
)

jobs = Table(
    "work_jobs",
    metadata,
    Column("id", String(255), primary_key=True),
    Column("kind", String(32), nullable=False),
    Column("region", String(32), nullable=False),
    Column("state", String(16), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("payload", JSON, nullable=False),
    Column("runner_id", String(64)),
    Column("lease_expires_at", UtcDateTime),
    Column("stop_requested", Boolean, nullable=False),
    Column("fleet", String(512)),
    # Claims read the oldest queued job of one fleet (fleet IS NULL: the on-demand builds).
    Index("ix_work_jobs_state_fleet", "state", "fleet", "created_at"),
)

runners = Table(
    "work_runners",
    metadata,
    Column("runner_id", String(64), primary_key=True),
    Column("name", String(255), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("last_seen_at", UtcDateTime),
    Column("fleet", String(512)),
    Index("ix_work_runners_fleet", "fleet"),
)

fleets = Table(
    "cb_fleets",
    metadata,
    Column("region", String(32), primary_key=True),
    Column("name", String(128), primary_key=True),
    Column("arn", String(512), nullable=False, unique=True),
    Column("id", String(255), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("last_modified_at", UtcDateTime, nullable=False),
    Column("overflow_behavior", String(16), nullable=False),
    Column("definition", JSON, nullable=False),
    Column("tags", JSON, nullable=False),
)

# --- CodeBuild access and upkeep ------------------------------------------------------------------

source_credentials = Table(
    "cb_source_credentials",
    metadata,
    Column("region", String(32), primary_key=True),
    Column("server_type", String(32), primary_key=True),
    Column("arn", String(2048), nullable=False),
    Column("auth_type", String(32), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("sealed_token", LargeBinary, nullable=False),
    Column("username", String(1024)),
    Column("resource", String(2048)),
)

resource_policies = Table(
    "cb_resource_policies",
    metadata,
    Column("resource_arn", String(2048), primary_key=True),
    Column("region", String(32), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("policy", Text, nullable=False),
    Column("shared", Boolean, nullable=False),
    Column("modified_at", UtcDateTime, nullable=False),
    Index("ix_cb_resource_policies_shared", "region", "kind", "shared"),
)

cache_resets = Table(
    "cb_cache_resets",
    metadata,
    Column("region", String(32), primary_key=True),
    Column("project_name", String(150), primary_key=True),
    Column("generation", BigInteger, nullable=False),
    Column("reset_at", UtcDateTime, nullable=False),
)

build_batches = Table(
    "cb_build_batches",
    metadata,
    Column("id", String(255), primary_key=True),
    Column("region", String(32), nullable=False),
    Column("arn", String(2048), nullable=False),
    Column("project_name", String(150), nullable=False),
    Column("build_batch_number", BigInteger, nullable=False),
    Column("status", String(16), nullable=False),
    Column("current_phase", String(32), nullable=False),
    Column("complete", Boolean, nullable=False),
    Column("start_time", UtcDateTime, nullable=False),
    Column("initiator", String(2048), nullable=False),
    Column("end_time", UtcDateTime),
    Column("details", JSON, nullable=False),
    Column("phases", JSON, nullable=False),
    Column("build_groups", JSON, nullable=False),
    Column("idempotency_token", String(255)),
    Column("due_at", UtcDateTime),
    Index("ix_cb_build_batches_region_time", "region", "start_time", "id"),
    Index("ix_cb_build_batches_project", "region", "project_name", "start_time", "id"),
    Index("ix_cb_build_batches_open", "complete"),
    Index("ix_cb_build_batches_due", "due_at", "id"),
)

idempotency_tokens = Table(
    "cb_idempotency_tokens",
    metadata,
    Column("region", String(32), primary_key=True),
    Column("operation", String(32), primary_key=True),
    Column("token", String(255), primary_key=True),
    Column("request_hash", String(64), nullable=False),
    Column("target_id", String(255), nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Index("ix_cb_idempotency_tokens_expiry", "expires_at", "region", "operation", "token"),
)

# --- CodeBuild reports -------------------------------------------------------------------------------

report_groups = Table(
    "cb_report_groups",
    metadata,
    Column("region", String(32), primary_key=True),
    Column("name", String(128), primary_key=True),
    Column("arn", String(2048), nullable=False),
    Column("type", String(16), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("last_modified_at", UtcDateTime, nullable=False),
    Column("export_config", JSON, nullable=False),
    Column("tags", JSON, nullable=False),
    Column("status", String(16), nullable=False),
    Index("ix_cb_report_groups_created", "region", "created_at", "name"),
    Index("ix_cb_report_groups_modified", "region", "last_modified_at", "name"),
)

reports = Table(
    "cb_reports",
    metadata,
    Column("id", _ID, primary_key=True, autoincrement=True),
    Column("arn", String(2048), nullable=False, unique=True),
    Column("region", String(32), nullable=False),
    Column("group_arn", String(2048), nullable=False),
    Column("type", String(16), nullable=False),
    Column("name", String(128), nullable=False),
    Column("execution_id", String(2048), nullable=False),
    Column("status", String(16), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("expired_at", UtcDateTime, nullable=False),
    Column("truncated", Boolean, nullable=False),
    Column("export_config", JSON, nullable=False),
    Column("test_summary", JSON),
    Column("coverage_summary", JSON),
    UniqueConstraint("execution_id", "group_arn", name="uq_cb_reports_execution"),
    Index("ix_cb_reports_region", "region", "id"),
    Index("ix_cb_reports_region_status", "region", "status", "id"),
    Index("ix_cb_reports_group", "group_arn", "id"),
    Index("ix_cb_reports_group_status", "group_arn", "status", "id"),
    Index("ix_cb_reports_expired", "expired_at", "id"),
)

test_cases = Table(
    "cb_test_cases",
    metadata,
    Column("id", _ID, primary_key=True, autoincrement=True),
    Column("report_arn", String(2048), nullable=False),
    Column("test_raw_data_path", Text, nullable=False),
    Column("prefix", Text, nullable=False),
    Column("name", Text, nullable=False),
    Column("status", String(64), nullable=False),
    Column("duration_in_nano_seconds", BigInteger, nullable=False),
    Column("expired_at", UtcDateTime, nullable=False),
    Column("message", Text),
    Column("test_suite_name", Text),
    Index("ix_cb_test_cases_report", "report_arn", "id"),
    Index("ix_cb_test_cases_report_status", "report_arn", "status", "id"),
)

code_coverages = Table(
    "cb_code_coverages",
    metadata,
    Column("id", _ID, primary_key=True, autoincrement=True),
    Column("report_arn", String(2048), nullable=False),
    Column("file_path", String(4096), nullable=False),
    Column("line_coverage_percentage", Float64, nullable=False),
    Column("lines_covered", BigInteger, nullable=False),
    Column("lines_missed", BigInteger, nullable=False),
    Column("branches_covered", BigInteger, nullable=False),
    Column("branches_missed", BigInteger, nullable=False),
    Column("expired_at", UtcDateTime, nullable=False),
    Column("branch_coverage_percentage", Float64),
    Index("ix_cb_code_coverages_report", "report_arn", "id"),
    Index("ix_cb_code_coverages_path", "report_arn", "file_path", "id"),
    Index("ix_cb_code_coverages_line", "report_arn", "line_coverage_percentage", "id"),
)
