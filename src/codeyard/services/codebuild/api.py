"""The CodeBuild operations, composed from one mixin per group of operations."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from codeyard.accounts import RequestContext
from codeyard.services.codebuild.base import project_arn, project_name
from codeyard.services.codebuild.batches import BuildBatchesMixin
from codeyard.services.codebuild.builds import BuildsMixin
from codeyard.services.codebuild.environment_images import EnvironmentImagesMixin
from codeyard.services.codebuild.fleets import FLEET_OPERATIONS, FleetsMixin, fleet_resources
from codeyard.services.codebuild.project_caches import ProjectCachesMixin
from codeyard.services.codebuild.projects import ProjectsMixin
from codeyard.services.codebuild.report_groups import ReportGroupsMixin
from codeyard.services.codebuild.report_queries import ReportQueriesMixin
from codeyard.services.codebuild.report_shapes import REPORT_OPERATIONS, report_resources
from codeyard.services.codebuild.reports import ReportsMixin
from codeyard.services.codebuild.resource_policies import ResourcePoliciesMixin
from codeyard.services.codebuild.source_credentials import SourceCredentialsMixin


class CodeBuildApi(
    ProjectsMixin,
    BuildsMixin,
    BuildBatchesMixin,
    ReportGroupsMixin,
    ReportsMixin,
    ReportQueriesMixin,
    ProjectCachesMixin,
    EnvironmentImagesMixin,
    SourceCredentialsMixin,
    ResourcePoliciesMixin,
    FleetsMixin,
):
    service_name = "codebuild"

    def resources_for(self, operation: str, params: Mapping[str, Any], ctx: RequestContext) -> Sequence[str]:
        """The project ARN(s) of the call (a build's calls are authorised on its project, as AWS
        does); "*" for calls on no one project."""
        if operation in REPORT_OPERATIONS:
            return report_resources(operation, params, ctx)
        if operation in FLEET_OPERATIONS:
            return fleet_resources(operation, params, ctx, lambda names: self._fleet_arns(ctx, names))
        if isinstance(params.get("resourceArn"), str):  # the resource policy calls
            return [params["resourceArn"]]
        names: list[str] = []
        if isinstance(params.get("name"), str):
            names = [params["name"]]
        elif isinstance(params.get("projectName"), str):
            names = [params["projectName"]]
        elif isinstance(params.get("projectArn"), str):  # UpdateProjectVisibility
            names = [params["projectArn"]]
        elif operation == "BatchGetProjects":
            names = [n for n in params.get("names", ()) if isinstance(n, str)]
        elif isinstance(params.get("id"), str):
            names = [_project_of_build(params["id"])]
        elif operation in ("BatchGetBuilds", "BatchDeleteBuilds", "BatchGetBuildBatches"):
            names = [_project_of_build(i) for i in params.get("ids", ()) if isinstance(i, str)]
        arns = []
        for name in names:
            resolved = project_name(ctx, name)
            arns.append(name if resolved is None else project_arn(ctx, resolved))
        return arns or ["*"]


def _project_of_build(build: str) -> str:
    """The project name in a build or batch id (`project:uuid`) or ARN."""
    for marker in (":build/", ":build-batch/"):
        build = build.rpartition(marker)[2]
    return build.rpartition(":")[0] or build
