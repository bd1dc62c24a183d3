"""moto server with a SageMaker endpoint lifecycle close enough to the real one
for the deploy handlers to be tested against it.

Usage: moto_launcher.py [PORT] [--exit-on-stdin-eof]
PORT 0 (the default) picks a free port. Once the socket is bound the chosen port
is printed as a single line `MOTO_PORT=<port>` on stdout.

Before moto sees a request, request_contract.py checks it against botocore's
model of the service (required members, enums, lengths, ranges, patterns and
JSON types, in whichever of JSON, query, REST-JSON or REST-XML it came) and
answers one that breaks the model as AWS would (ValidationException and the
like, "1 validation error detected: ..."), marked with the header
x-mlops-contract-violation; moto never sees it. What it cannot check is in its
modules' docstrings (cross-member rules, a few Java patterns, constraints
botocore's models leave out).

What moto 5.2.5 gets wrong, and is patched here:
- CreateEndpoint is InService at once; real endpoints are `Creating` for minutes.
  Here an endpoint reports its in-progress status on the first N
  DescribeEndpoint calls and is done after the N-th (N = describesUntilReady,
  default 1), so a handler's poll loop is exercised without sleeping.
- UpdateEndpoint does not exist; it is added with the real request shape,
  validation and messages.
- Creating a model, endpoint config or endpoint under an existing name silently
  overwrites it; SageMaker refuses.
- CreateModel takes any Containers[].ModelPackageName; SageMaker refuses a
  package that does not exist (the container's images and model data are the
  package's).
- "Could not find ..." messages use single quotes or bare names; SageMaker puts
  the ARN in double quotes, and handlers match on those messages.
- DeleteEndpoint succeeds on an endpoint that is Creating/Updating; SageMaker
  refuses with "Cannot update in-progress endpoint".
- Monitoring schedules (Create/Describe/Update/Delete/ListMonitoringSchedules)
  do not exist; they are added for schedules on endpoints: a
  taken name is ResourceInUse, a missing schedule ResourceNotFound (the
  drift-detection handlers tell the two apart by those codes), List filters
  by EndpointName and NameContains. A schedule is `Scheduled` at once (real
  ones are `Pending` for a few seconds) and never runs a job.
- CreateDataQualityJobDefinition under an existing name silently overwrites
  the definition; SageMaker refuses with ResourceInUse.
- Model-quality job definitions (Create/Describe/List/Delete) are moto's own
  and right for the handlers (ResourceInUse on a taken name, ResourceNotFound
  for a missing one, List by NameContains); only a schedule on one had no
  endpoint (the added schedules looked in data-quality definitions only), so
  DescribeMonitoringSchedule left out EndpointName and ListMonitoringSchedules
  by EndpointName missed it. A schedule now finds its definition by its
  MonitoringType.
- DeregisterScalableTarget of a target that is not registered answers a
  ValidationException; Application Auto Scaling answers ObjectNotFoundException.
  It also leaves the target's scaling policies behind; Application Auto Scaling
  deletes them (and their alarms) and its scheduled actions with the target.
- CreateTrainingJob completes the job at once, and under an existing name
  silently replaces it; SageMaker refuses a taken name with ResourceInUse
  ("Training job names must be unique ..."). Here a job is `InProgress`
  (`Starting`, then `Training`) on the first N DescribeTrainingJob calls and
  `Completed` after the N-th (N = describesUntilReady, as for endpoints).
- CodeBuild: CreateProject wants a source location even for NO_SOURCE (CodeBuild
  does not); StartBuild drops environmentVariablesOverride and ignores
  idempotencyToken; BatchGetBuilds ends every build SUCCEEDED at once (and
  appends its phases again on each call). Here a build reports IN_PROGRESS on
  the first N BatchGetBuilds calls and ends after the N-th (N =
  buildChecksUntilDone, default 1), SUCCEEDED unless a failure was queued for
  its project; it carries the project's environment with the overrides, its
  source version and a log deep link; StartBuild with a token seen in the last
  5 minutes returns that build instead of starting another.
- CloudFormation (enough to create, update and delete the framework's
  blueprint templates, assets/blueprints/*.template.json):
  - An AWS::SSM::Parameter without Name crashes the stack (moto calls
    put_parameter with name None). CloudFormation names it
    CFN-<LogicalId>-<12 random characters>; here too, and an update keeps the
    name it was given.
  - A Custom:: resource makes moto look up and invoke the Lambda function of
    its ServiceToken (a missing function fails the stack; invoking one needs
    Docker). Custom::MlopsReleaseCleanup (the pipelines' release clean-up,
    served by a Lambda function of the framework stack) is answered here
    instead: created, updated and deleted with nothing done, physical ID
    release-cleanup-<LogicalId> as the clean-up handler gives. Each request
    is recorded with its properties (see the control API). Other Custom::
    types keep moto's behaviour.
  - A resource type moto has no model of is skipped with a warning, and a Ref
    to it resolves to None (an output reads ".../None/invocations") while a
    Fn::GetAtt to it fails the stack ("references undefined resource"). Here
    such a resource creates nothing but has a physical ID, its name property
    where the template gives one (StageName of an ApiGateway::Stage, Name of a
    CodeBuild::Project or CodePipeline::Pipeline, AlarmName of a
    CloudWatch::Alarm), else a generated name as moto makes for its own
    models; Fn::GetAtt Arn of a CodeBuild project or CodePipeline pipeline is
    its ARN; other attributes resolve to None with moto's warning.
  - Fn::If choosing AWS::NoValue inside a list (or a bare AWS::NoValue
    element) leaves a None in the list; CloudFormation removes the element.
    (A policy with a conditional statement was MalformedPolicyDocument.)
  - A generated AWS::ECR::Repository name keeps the stack name's and logical
    ID's upper case, which ECR refuses; CloudFormation generates it in lower
    case.
  - UpdateStack with the same template and parameters answers "No updates are
    to be performed." only if the parameters moto resolved equal the strings
    given, and moto turns Number parameters into ints (and list parameters
    into lists): a blueprint (KeepReleases is a Number) was updated every
    time. Here the resolved values are compared as the strings they were
    given, as CloudFormation holds them.
  - Updating a resource of a type moto has no update for (ApiGateway::RestApi,
    IAM::ManagedPolicy, KMS::Key, Logs::LogGroup, ...) replaces it in the
    stack with None: Refs to it then resolve to None (an inference URL output
    of https://None.execute-api...) and deleting the stack leaves it behind.
    Here the stack keeps the resource as it was.
  - An AWS::IAM::ManagedPolicy is never deleted with its stack (moto has no
    delete for it), so it stays attached to its roles and deleting them fails
    the stack delete ("must detach all policies first"; the blueprints with
    3 or more environments have one). Here it is detached and deleted, as
    CloudFormation does.
  - Concurrent requests (the server is threaded) broke what CloudFormation
    guarantees: moto checks a stack name and stores the stack as two steps
    (two CreateStacks of one name made two stacks), never reports an update
    or delete as in progress (two UpdateStacks of one stack ran at once;
    a deleting stack had left the list, so its name was free and
    DescribeStacks said it did not exist), and DescribeStacks of a stack still
    being created resolved its outputs from resources not made yet (creating
    them on the describing thread, or answering an API Gateway error inside
    the XML). Here a name is taken from CreateStack until the delete has
    finished (AlreadyExists: "Stack [name] already exists"); a stack reads
    CREATE_IN_PROGRESS from the start (not moto's CREATE_PENDING), then
    UPDATE_IN_PROGRESS or DELETE_IN_PROGRESS while it is changed, with the
    outputs it had before the change; UpdateStack of a stack in progress (or
    deleted) is refused with CloudFormation's "Stack:<id> is in <status> state
    and can not be updated.", DeleteStack of one being updated with "Stack
    [<id>] cannot be deleted while in status <status>"; a DeleteStack during
    a create deletes the stack once the create has finished (CloudFormation
    cancels the create), and one during a delete is the same delete. The
    resources of one stack change at a time are created, updated or deleted
    on the whole server (moto's backends have no locks), reads going on
    meanwhile; a create that raises ends CREATE_FAILED rather than reading
    CREATE_IN_PROGRESS for ever.
    ClientRequestToken is still ignored.
  Checked and left alone, since moto gets them right for these templates:
  Conditions (Fn::Equals, Fn::Not, conditional resources and outputs),
  AWS::NoValue as a property value (the property is dropped), and Number
  parameters inside Fn::Join and Fn::Sub (printed as given).
  Also left alone: an update only changes resources whose JSON changed or
  that Ref a changed parameter (a parameter used only inside Fn::Sub changes
  nothing; the blueprints use no Fn::Sub). moto cannot delete some types it
  creates (an ApiGateway::RestApi stays behind when its stack is deleted),
  which leaves stray state but no failed stack.

Control API (same port, outside the AWS protocols):
  POST /_mlops/endpoints/<name>/fail-next  {"reason": "..."}
      the next create or update of that endpoint fails with that reason:
      a create ends `Failed`; an update rolls back to `InService` on the
      previous config with FailureReason set, as SageMaker does.
  POST /_mlops/codebuild/<project>/fail-next
      {"status": "FAILED"|"FAULT"|"TIMED_OUT"|"STOPPED", "phase": "BUILD", "message": "..."}
      the next build started for that project ends with that status, that
      phase carrying the status and message (phase and message optional).
  GET|POST /_mlops/settings  {"describesUntilReady": N, "buildChecksUntilDone": N}
  GET /_mlops/cloudformation/release-cleanups[?stackId=<stack ARN>]
      {"requests": [...]}: each Create/Update/Delete of a
      Custom::MlopsReleaseCleanup, oldest first, as {"requestType",
      "stackId", "logicalResourceId", "physicalResourceId",
      "resourceProperties"} (and "oldResourceProperties" for an Update).
  GET /_mlops/contract-report
      what the request checker saw: {"requestsChecked", "operations" (count
      per Service.Operation), "violations", "violationSamples",
      "unidentified", "uncheckedPatterns", "checkerErrors"}.
  POST /moto-api/reset  (moto's own) also clears this extra state, but not the
      contract report, which covers the server's whole run.
"""

import argparse
import copy
import json
import logging
import os
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import moto.cloudformation.models as cfn_models
import moto.cloudformation.parsing as cfn_parsing
import moto.codebuild.responses as codebuild_responses
from moto.applicationautoscaling.models import ApplicationAutoscalingBackend
from moto.cloudformation.exceptions import AlreadyExistsException
from moto.cloudformation.exceptions import ValidationError as CfnValidationError
from moto.cloudformation.responses import CloudFormationResponse
from moto.cloudformation.utils import random_suffix as cfn_random_suffix
from moto.codebuild.exceptions import ResourceNotFoundException
from moto.codebuild.models import CodeBuildBackend
from moto.codebuild.responses import CodeBuildResponse
from moto.core.exceptions import JsonRESTError
from moto.iam.models import ManagedPolicy, iam_backends
from moto.core.responses import ActionResult, EmptyResult
from moto.core.utils import iso_8601_datetime_with_milliseconds, utcnow
from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from moto.sagemaker.exceptions import ResourceInUseException, ResourceNotFound, ValidationError
from moto.sagemaker.models import FakeEndpoint, SageMakerModelBackend
from moto.sagemaker.responses import SageMakerResponse
from moto.sagemaker.utils import arn_formatter
from moto.ssm.models import Parameter as SsmParameter
from moto.utilities.utils import get_partition
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from request_contract import RequestContract

DEFAULT_DESCRIBES_UNTIL_READY = 1
DEFAULT_BUILD_CHECKS_UNTIL_DONE = 1
IN_PROGRESS = ("Creating", "Updating", "SystemUpdating", "RollingBack", "Deleting")

# moto serves requests on several threads; every read-modify-write of the
# extra state below (and of an endpoint's status) happens under this lock.
_lock = threading.RLock()
_settings = {
    "describesUntilReady": DEFAULT_DESCRIBES_UNTIL_READY,
    "buildChecksUntilDone": DEFAULT_BUILD_CHECKS_UNTIL_DONE,
}
_fail_next: dict[str, str] = {}  # endpoint name -> failure reason
_fail_next_build: dict[str, dict[str, str]] = {}  # project name -> {"status", "phase", "message"}


@dataclass
class _Change:
    describes_left: int
    finish: Callable[[], None]


_changes: dict[str, _Change] = {}  # endpoint ARN -> create/update in progress


def _reset_extra_state() -> None:
    with _lock:
        _settings["describesUntilReady"] = DEFAULT_DESCRIBES_UNTIL_READY
        _settings["buildChecksUntilDone"] = DEFAULT_BUILD_CHECKS_UNTIL_DONE
        _fail_next.clear()
        _changes.clear()
        _fail_next_build.clear()
        _running_builds.clear()
        _idempotent_builds.clear()
        _cleanup_requests.clear()
        _creating.clear()
        _training.clear()
        _deleting.clear()


def _arn(backend: SageMakerModelBackend, kind: str, name: str) -> str:
    return arn_formatter(kind, name, backend.account_id, backend.region_name)


def _not_found(backend: SageMakerModelBackend, what: str, kind: str, name: str) -> ValidationError:
    return ValidationError(f'Could not find {what} "{_arn(backend, kind, name)}".')


def _already_exists(backend: SageMakerModelBackend, what: str, kind: str, name: str) -> ValidationError:
    return ValidationError(f'Cannot create already existing {what} "{_arn(backend, kind, name)}".')


def _start_change(endpoint: FakeEndpoint, finish: Callable[[], None]) -> None:
    with _lock:
        describes = _settings["describesUntilReady"]
        if describes == 0:
            finish()
        else:
            _changes[endpoint.arn] = _Change(describes, finish)


def _take_failure(endpoint_name: str) -> str | None:
    with _lock:
        return _fail_next.pop(endpoint_name, None)


# --- SageMaker backend patches ------------------------------------------------

_original = {
    name: getattr(SageMakerModelBackend, name)
    for name in (
        "create_model",
        "describe_model",
        "delete_model",
        "create_endpoint_config",
        "describe_endpoint_config",
        "delete_endpoint_config",
        "create_endpoint",
        "describe_endpoint",
        "delete_endpoint",
    )
}


def _patch(fn: Callable[..., Any]) -> Callable[..., Any]:
    setattr(SageMakerModelBackend, fn.__name__, fn)
    return fn


@_patch
def create_model(self: SageMakerModelBackend, model_name: str, **kwargs: Any) -> Any:
    if model_name in self._models:
        raise _already_exists(self, "model", "model", model_name)
    # A container made from a model package takes the package's images and
    # model data, so the package must exist (moto keeps any name).
    for container in kwargs.get("containers") or []:
        package = container.get("ModelPackageName")
        if package is not None and self.model_package_name_mapping.get(package) not in self.model_packages:
            raise ValidationError(f"Model package {package} does not exist.")
    return _original["create_model"](self, model_name=model_name, **kwargs)


@_patch
def describe_model(self: SageMakerModelBackend, model_name: str) -> Any:
    if model_name not in self._models:
        raise _not_found(self, "model", "model", model_name)
    return _original["describe_model"](self, model_name)


@_patch
def delete_model(self: SageMakerModelBackend, model_name: str) -> None:
    if model_name not in self._models:
        raise _not_found(self, "model", "model", model_name)
    _original["delete_model"](self, model_name)


@_patch
def create_endpoint_config(self: SageMakerModelBackend, endpoint_config_name: str, **kwargs: Any) -> Any:
    if endpoint_config_name in self.endpoint_configs:
        raise _already_exists(self, "endpoint configuration", "endpoint-config", endpoint_config_name)
    for variant in kwargs.get("production_variants") or []:
        if variant.get("ModelName") not in self._models:
            raise _not_found(self, "model", "model", variant.get("ModelName"))
    return _original["create_endpoint_config"](self, endpoint_config_name=endpoint_config_name, **kwargs)


@_patch
def describe_endpoint_config(self: SageMakerModelBackend, endpoint_config_name: str) -> Any:
    if endpoint_config_name not in self.endpoint_configs:
        raise _not_found(self, "endpoint configuration", "endpoint-config", endpoint_config_name)
    return _original["describe_endpoint_config"](self, endpoint_config_name)


@_patch
def delete_endpoint_config(self: SageMakerModelBackend, endpoint_config_name: str) -> None:
    # SageMaker allows deleting the config an endpoint is serving; so does this.
    if endpoint_config_name not in self.endpoint_configs:
        raise _not_found(self, "endpoint configuration", "endpoint-config", endpoint_config_name)
    _original["delete_endpoint_config"](self, endpoint_config_name)


def _get_endpoint(backend: SageMakerModelBackend, endpoint_name: str) -> FakeEndpoint:
    endpoint = backend.endpoints.get(endpoint_name)
    if endpoint is None:
        raise _not_found(backend, "endpoint", "endpoint", endpoint_name)
    return endpoint


@_patch
def create_endpoint(
    self: SageMakerModelBackend, endpoint_name: str, endpoint_config_name: str, tags: Any = None
) -> FakeEndpoint:
    if endpoint_name in self.endpoints:
        raise _already_exists(self, "endpoint", "endpoint", endpoint_name)
    self.describe_endpoint_config(endpoint_config_name)  # raises the real "Could not find" message
    endpoint = _original["create_endpoint"](
        self, endpoint_name=endpoint_name, endpoint_config_name=endpoint_config_name, tags=tags
    )
    endpoint.endpoint_status = "Creating"
    reason = _take_failure(endpoint_name)

    def finish() -> None:
        endpoint.endpoint_status = "Failed" if reason else "InService"
        endpoint.failure_reason = reason
        endpoint.last_modified_time = utcnow()

    _start_change(endpoint, finish)
    return endpoint


@_patch
def describe_endpoint(self: SageMakerModelBackend, endpoint_name: str) -> dict[str, Any]:
    endpoint = _get_endpoint(self, endpoint_name)
    with _lock:
        # The caller sees the state before this describe; a change completes
        # right after the describe that used up its budget.
        response = copy.deepcopy(_original["describe_endpoint"](self, endpoint_name))
        change = _changes.get(endpoint.arn)
        if change:
            change.describes_left -= 1
            if change.describes_left <= 0:
                del _changes[endpoint.arn]
                change.finish()
    return response


@_patch
def delete_endpoint(self: SageMakerModelBackend, endpoint_name: str) -> None:
    endpoint = _get_endpoint(self, endpoint_name)
    with _lock:
        if endpoint.endpoint_status in IN_PROGRESS:
            raise ValidationError(f'Cannot update in-progress endpoint "{endpoint.arn}".')
        _changes.pop(endpoint.arn, None)
        _original["delete_endpoint"](self, endpoint_name)


def _retain_variant_properties(
    current: list[dict[str, Any]], new: list[dict[str, Any]], excluded: set[str]
) -> list[dict[str, Any]]:
    # RetainAllVariantProperties keeps what UpdateEndpointWeightsAndCapacities
    # (or auto scaling) set on a variant, matched by VariantName.
    by_name = {v["VariantName"]: v for v in current}
    retained_keys = {
        "DesiredWeight": ("CurrentWeight", "DesiredWeight"),
        "DesiredInstanceCount": ("CurrentInstanceCount", "DesiredInstanceCount"),
    }
    for variant in new:
        old = by_name.get(variant["VariantName"])
        if not old:
            continue
        for prop, keys in retained_keys.items():
            if prop not in excluded:
                for key in keys:
                    if key in old:
                        variant[key] = old[key]
    return new


def update_endpoint(
    self: SageMakerModelBackend,
    endpoint_name: str,
    endpoint_config_name: str,
    retain_all_variant_properties: bool = False,
    exclude_retained_variant_properties: list[dict[str, str]] | None = None,
    deployment_config: dict[str, Any] | None = None,
    retain_deployment_config: bool = False,
) -> str:
    endpoint = _get_endpoint(self, endpoint_name)
    with _lock:
        if endpoint.endpoint_status == "Failed":
            raise ValidationError(f'Cannot update failed endpoint "{endpoint.arn}".')
        if endpoint.endpoint_status != "InService":
            raise ValidationError(f'Cannot update in-progress endpoint "{endpoint.arn}".')
        if endpoint_config_name not in self.endpoint_configs:
            raise _not_found(self, "endpoint configuration", "endpoint-config", endpoint_config_name)

        config = self.endpoint_configs[endpoint_config_name]
        new_variants = endpoint._process_production_variants(config.production_variants)
        excluded = {p.get("VariantPropertyType") for p in exclude_retained_variant_properties or []}
        new_data_capture = config.data_capture_config
        if retain_all_variant_properties:
            new_variants = _retain_variant_properties(endpoint.production_variants, new_variants, excluded)
            if "DataCaptureConfig" not in excluded:
                new_data_capture = endpoint.data_capture_config
        if deployment_config is None and retain_deployment_config:
            deployment_config = getattr(endpoint, "last_deployment_config", None)

        started = utcnow()
        endpoint.endpoint_status = "Updating"
        endpoint.failure_reason = None
        endpoint.last_modified_time = started
        # While updating, DescribeEndpoint still names the serving config; the
        # target is reported in PendingDeploymentSummary.
        endpoint.pending_deployment_summary = {
            "EndpointConfigName": endpoint_config_name,
            "StartTime": started,
        }
        reason = _take_failure(endpoint_name)

        def finish() -> None:
            endpoint.pending_deployment_summary = None
            endpoint.endpoint_status = "InService"
            endpoint.last_modified_time = utcnow()
            if reason:
                # Rolled back: the previous config and variants keep serving.
                endpoint.failure_reason = reason
                return
            endpoint.endpoint_config_name = endpoint_config_name
            endpoint.production_variants = new_variants
            endpoint.data_capture_config = new_data_capture
            endpoint.last_deployment_config = deployment_config

        _start_change(endpoint, finish)
    return endpoint.arn


SageMakerModelBackend.update_endpoint = update_endpoint


def _update_endpoint_response(self: SageMakerResponse) -> ActionResult:
    arn = self.sagemaker_backend.update_endpoint(
        endpoint_name=self._get_param("EndpointName"),
        endpoint_config_name=self._get_param("EndpointConfigName"),
        retain_all_variant_properties=bool(self._get_param("RetainAllVariantProperties", False)),
        exclude_retained_variant_properties=self._get_param("ExcludeRetainedVariantProperties"),
        deployment_config=self._get_param("DeploymentConfig"),
        retain_deployment_config=bool(self._get_param("RetainDeploymentConfig", False)),
    )
    return ActionResult({"EndpointArn": arn})


# moto dispatches X-Amz-Target "SageMaker.UpdateEndpoint" to a method of this name.
SageMakerResponse.update_endpoint = _update_endpoint_response


# --- SageMaker training patches -----------------------------------------------

_training: dict[str, _Change] = {}  # training job ARN -> job still running
_original_training = {name: getattr(SageMakerModelBackend, name) for name in ("create_training_job", "describe_training_job")}


@_patch
def create_training_job(self: SageMakerModelBackend, training_job_name: str, **kwargs: Any) -> Any:
    if training_job_name in self.training_jobs:
        raise ResourceInUseException(
            "Training job names must be unique within an AWS account and region, and a training job with this name already exists "
            f"({_arn(self, 'training-job', training_job_name)})"
        )
    created = _original_training["create_training_job"](self, training_job_name, **kwargs)
    job = self.training_jobs[training_job_name]
    with _lock:
        describes = _settings["describesUntilReady"]
        if describes > 0:
            job.training_job_status = "InProgress"
            job.secondary_status = "Starting"

            def finish() -> None:
                job.training_job_status = "Completed"
                job.secondary_status = "Completed"

            _training[job.arn] = _Change(describes, finish)
    return created


@_patch
def describe_training_job(self: SageMakerModelBackend, training_job_name: str) -> dict[str, Any]:
    with _lock:
        # As for endpoints: the caller sees the state before this describe.
        response = copy.deepcopy(_original_training["describe_training_job"](self, training_job_name))
        job = self.training_jobs[training_job_name]
        running = _training.get(job.arn)
        if running:
            running.describes_left -= 1
            job.secondary_status = "Training"
            if running.describes_left <= 0:
                del _training[job.arn]
                running.finish()
    return response


# --- SageMaker monitoring patches ---------------------------------------------

_original_create_dq_definition = SageMakerModelBackend.create_data_quality_job_definition


def create_data_quality_job_definition(self: SageMakerModelBackend, job_definition_name: str, **kwargs: Any) -> Any:
    if job_definition_name in self.data_quality_job_definitions:
        arn = _arn(self, "data-quality-job-definition", job_definition_name)
        raise ResourceInUseException(f'Job definition "{arn}" already exists.')
    return _original_create_dq_definition(self, job_definition_name=job_definition_name, **kwargs)


SageMakerModelBackend.create_data_quality_job_definition = create_data_quality_job_definition


def _schedules(backend: SageMakerModelBackend) -> dict[str, dict[str, Any]]:
    # Kept on the backend, so moto's reset (which rebuilds backends) clears them.
    return backend.__dict__.setdefault("_mlops_monitoring_schedules", {})


def _schedule(backend: SageMakerModelBackend, name: str) -> dict[str, Any]:
    schedule = _schedules(backend).get(name)
    if schedule is None:
        raise ResourceNotFound(f'Monitoring schedule "{_arn(backend, "monitoring-schedule", name)}" does not exist.')
    return schedule


def _schedule_endpoint(backend: SageMakerModelBackend, config: dict[str, Any]) -> str | None:
    # A schedule on a job definition monitors that definition's endpoint; its
    # MonitoringType says which kind of definition (DataQuality when omitted).
    name = config.get("MonitoringJobDefinitionName") or ""
    if config.get("MonitoringType") == "ModelQuality":
        model_quality = backend.model_quality_job_definitions.get(name)
        job_input = (model_quality.model_quality_job_input if model_quality else None) or {}
    else:
        data_quality = backend.data_quality_job_definitions.get(name)
        job_input = (data_quality.data_quality_job_input if data_quality else None) or {}
    return (job_input.get("EndpointInput") or {}).get("EndpointName")


def _create_monitoring_schedule(self: SageMakerResponse) -> ActionResult:
    backend = self.sagemaker_backend
    name = self._get_param("MonitoringScheduleName")
    config = self._get_param("MonitoringScheduleConfig") or {}
    with _lock:
        if name in _schedules(backend):
            raise ResourceInUseException(f'Monitoring schedule "{_arn(backend, "monitoring-schedule", name)}" already exists.')
        now = utcnow()
        arn = _arn(backend, "monitoring-schedule", name)
        _schedules(backend)[name] = {
            "MonitoringScheduleArn": arn,
            "MonitoringScheduleName": name,
            "MonitoringScheduleStatus": "Scheduled",
            "MonitoringType": config.get("MonitoringType"),
            "CreationTime": now,
            "LastModifiedTime": now,
            "MonitoringScheduleConfig": config,
            "EndpointName": _schedule_endpoint(backend, config),
        }
    return ActionResult({"MonitoringScheduleArn": arn})


def _describe_monitoring_schedule(self: SageMakerResponse) -> ActionResult:
    with _lock:
        schedule = copy.deepcopy(_schedule(self.sagemaker_backend, self._get_param("MonitoringScheduleName")))
    return ActionResult({k: v for k, v in schedule.items() if v is not None})


def _update_monitoring_schedule(self: SageMakerResponse) -> ActionResult:
    backend = self.sagemaker_backend
    with _lock:
        schedule = _schedule(backend, self._get_param("MonitoringScheduleName"))
        config = self._get_param("MonitoringScheduleConfig") or {}
        schedule["MonitoringScheduleConfig"] = config
        schedule["MonitoringType"] = config.get("MonitoringType")
        schedule["EndpointName"] = _schedule_endpoint(backend, config)
        schedule["LastModifiedTime"] = utcnow()
    return ActionResult({"MonitoringScheduleArn": schedule["MonitoringScheduleArn"]})


def _delete_monitoring_schedule(self: SageMakerResponse) -> EmptyResult:
    backend = self.sagemaker_backend
    name = self._get_param("MonitoringScheduleName")
    with _lock:
        _schedule(backend, name)
        del _schedules(backend)[name]
    return EmptyResult()


def _list_monitoring_schedules(self: SageMakerResponse) -> ActionResult:
    endpoint_name = self._get_param("EndpointName")
    contains = self._get_param("NameContains") or ""
    with _lock:
        summaries = [
            {
                k: s[k]
                for k in ("MonitoringScheduleName", "MonitoringScheduleArn", "CreationTime", "LastModifiedTime",
                          "MonitoringScheduleStatus", "EndpointName", "MonitoringType")
                if s.get(k) is not None
            }
            | {"MonitoringJobDefinitionName": s["MonitoringScheduleConfig"].get("MonitoringJobDefinitionName")}
            for s in _schedules(self.sagemaker_backend).values()
            if contains in s["MonitoringScheduleName"] and (endpoint_name is None or s.get("EndpointName") == endpoint_name)
        ]
    return ActionResult({"MonitoringScheduleSummaries": summaries})


# moto dispatches X-Amz-Target "SageMaker.<Action>" to the method of the snake-case name.
SageMakerResponse.create_monitoring_schedule = _create_monitoring_schedule
SageMakerResponse.describe_monitoring_schedule = _describe_monitoring_schedule
SageMakerResponse.update_monitoring_schedule = _update_monitoring_schedule
SageMakerResponse.delete_monitoring_schedule = _delete_monitoring_schedule
SageMakerResponse.list_monitoring_schedules = _list_monitoring_schedules


# --- Application Auto Scaling patches ----------------------------------------

_original_deregister_scalable_target = ApplicationAutoscalingBackend.deregister_scalable_target


class ObjectNotFoundException(JsonRESTError):
    def __init__(self, message: str) -> None:
        super().__init__("ObjectNotFoundException", message)


def deregister_scalable_target(
    self: ApplicationAutoscalingBackend, namespace: str, r_id: str, dimension: str
) -> None:
    if not self._scalable_target_exists(r_id, dimension):
        raise ObjectNotFoundException(
            f"No scalable target registered for service namespace: {namespace}, "
            f"resource ID: {r_id}, scalable dimension: {dimension}"
        )

    def of_target(item: Any) -> bool:
        key = (item.service_namespace, item.resource_id, item.scalable_dimension)
        return key == (namespace, r_id, dimension)

    for policy in [p for p in self.policies.values() if of_target(p)]:
        self.delete_scaling_policy(policy.policy_name, namespace, r_id, dimension)
    self.scheduled_actions = [a for a in self.scheduled_actions if not of_target(a)]
    _original_deregister_scalable_target(self, namespace, r_id, dimension)


ApplicationAutoscalingBackend.deregister_scalable_target = deregister_scalable_target


# --- CodeBuild patches --------------------------------------------------------

BUILD_PHASES = (
    "PROVISIONING",
    "DOWNLOAD_SOURCE",
    "INSTALL",
    "PRE_BUILD",
    "BUILD",
    "POST_BUILD",
    "UPLOAD_ARTIFACTS",
    "FINALIZING",
)
FAILED_BUILD_STATUSES = ("FAILED", "FAULT", "TIMED_OUT", "STOPPED")
IDEMPOTENCY_WINDOW_SECONDS = 300  # CodeBuild keeps a StartBuild token for 5 minutes.


@dataclass
class _RunningBuild:
    checks_left: int
    outcome: dict[str, str] | None  # None: the build succeeds


_running_builds: dict[str, _RunningBuild] = {}  # build ID -> build not yet ended
# (account, region, project, token) -> (monotonic time, the build's metadata)
_idempotent_builds: dict[tuple[str, ...], tuple[float, dict[str, Any]]] = {}

_original_validate_source = codebuild_responses._validate_required_params_source


def _validate_source(source: dict[str, Any]) -> None:
    # A project without source carries its build spec inline and has no location.
    if source.get("type") == "NO_SOURCE":
        return
    _original_validate_source(source)


codebuild_responses._validate_required_params_source = _validate_source


def _build_environment(project: dict[str, Any], overrides: list[dict[str, str]] | None) -> dict[str, Any]:
    # An override replaces the project's variable of the same name, as in CodeBuild.
    environment = copy.deepcopy(project.get("environment") or {})
    variables = {v["name"]: v for v in environment.get("environmentVariables") or []}
    for variable in overrides or []:
        variables[variable["name"]] = {"type": "PLAINTEXT", **variable}
    environment["environmentVariables"] = list(variables.values())
    return environment


def _log_link(project: dict[str, Any], build_id: str, region: str) -> str:
    cloudwatch = (project.get("logsConfig") or {}).get("cloudWatchLogs") or {}
    group = cloudwatch.get("groupName") or f"/aws/codebuild/{project['name']}"
    stream = build_id.split(":", 1)[1]
    return (
        f"https://console.aws.amazon.com/cloudwatch/home?region={region}"
        f"#logsV2:log-groups/log-group/{group}/log-events/{stream}"
    )


def _finish_build(build: dict[str, Any], outcome: dict[str, str] | None) -> None:
    now = iso_8601_datetime_with_milliseconds()
    phases = [p for p in build["phases"] if p["phaseType"] in ("SUBMITTED", "QUEUED")]
    for phase in phases:
        phase.setdefault("phaseStatus", "SUCCEEDED")
        phase.setdefault("endTime", now)
    failed_phase = outcome["phase"] if outcome else None
    for phase_type in BUILD_PHASES:
        phase: dict[str, Any] = {
            "phaseType": phase_type,
            "phaseStatus": "SUCCEEDED",
            "startTime": now,
            "endTime": now,
            "durationInSeconds": 1,
        }
        if phase_type == failed_phase:
            phase["phaseStatus"] = outcome["status"]
            phase["contexts"] = [{"statusCode": outcome.get("statusCode", ""), "message": outcome["message"]}]
            phases.append(phase)
            # What follows a failed phase is not modelled: the build ends there.
            break
        phases.append(phase)
    phases.append({"phaseType": "COMPLETED", "startTime": now})
    build["phases"] = phases
    build["currentPhase"] = "COMPLETED"
    build["buildStatus"] = outcome["status"] if outcome else "SUCCEEDED"
    build["buildComplete"] = True
    build["endTime"] = now


def _start_build_response(self: CodeBuildResponse) -> ActionResult:
    name = self._get_param("projectName")
    codebuild_responses._validate_required_params_project_name(name)
    backend = self.codebuild_backend
    if name not in backend.codebuild_projects:
        raise ResourceNotFoundException(
            "Project cannot be found: "
            f"arn:aws:codebuild:{backend.region_name}:{backend.account_id}:project/{name}"
        )
    token = self._get_param("idempotencyToken")
    key = (backend.account_id, backend.region_name, name, token)
    with _lock:
        if token and key in _idempotent_builds:
            started, build = _idempotent_builds[key]
            if time.monotonic() - started < IDEMPOTENCY_WINDOW_SECONDS:
                return ActionResult({"build": copy.deepcopy(build)})
        source_version = self._get_param("sourceVersion")
        build = backend.start_build(name, source_version, self._get_param("artifactsOverride"))
        project = backend.codebuild_projects[name].project_metadata
        build["environment"] = _build_environment(project, self._get_param("environmentVariablesOverride"))
        build["source"] = copy.deepcopy(project.get("source") or {})
        build["logs"] = {
            "deepLink": _log_link(project, build["id"], backend.region_name),
            "cloudWatchLogs": {"status": "ENABLED"},
        }
        if source_version is None:
            build.pop("sourceVersion", None)
        outcome = _fail_next_build.pop(name, None)
        checks = _settings["buildChecksUntilDone"]
        if checks == 0:
            _finish_build(build, outcome)
        else:
            _running_builds[build["id"]] = _RunningBuild(checks, outcome)
        if token:
            _idempotent_builds[key] = (time.monotonic(), build)
        return ActionResult({"build": copy.deepcopy(build)})


# moto dispatches X-Amz-Target "CodeBuild_20161006.StartBuild" to a method of this name.
CodeBuildResponse.start_build = _start_build_response


def _batch_get_builds(self: CodeBuildBackend, ids: list[str]) -> list[dict[str, Any]]:
    found = []
    with _lock:
        for history in self.build_metadata_history.values():
            for build in history:
                if build["id"] not in ids:
                    continue
                # The caller sees the state before this call; a build ends right
                # after the call that used up its budget, as endpoints do.
                found.append(copy.deepcopy(build))
                running = _running_builds.get(build["id"])
                if running:
                    running.checks_left -= 1
                    if running.checks_left <= 0:
                        del _running_builds[build["id"]]
                        _finish_build(build, running.outcome)
    return found


CodeBuildBackend.batch_get_builds = _batch_get_builds


# --- CloudFormation patches ---------------------------------------------------

_original_parameter_create = SsmParameter.create_from_cloudformation_json
_original_parameter_update = SsmParameter.update_from_cloudformation_json


def _generated_parameter_name(logical_id: str) -> str:
    # CloudFormation names an unnamed parameter CFN-<LogicalId>-<12 random characters>.
    return f"CFN-{logical_id}-{cfn_random_suffix()}"


def _create_parameter(
    cls: type[SsmParameter],
    resource_name: str,
    cloudformation_json: dict[str, Any],
    account_id: str,
    region_name: str,
    **kwargs: Any,
) -> SsmParameter:
    properties = cloudformation_json["Properties"]
    if properties.get("Name") is None:
        cloudformation_json = {
            **cloudformation_json,
            "Properties": {**properties, "Name": _generated_parameter_name(kwargs["LogicalId"])},
        }
    return _original_parameter_create.__func__(cls, resource_name, cloudformation_json, account_id, region_name, **kwargs)


def _update_parameter(
    cls: type[SsmParameter],
    original_resource: SsmParameter,
    new_resource_name: str,
    cloudformation_json: dict[str, Any],
    account_id: str,
    region_name: str,
) -> SsmParameter:
    properties = cloudformation_json["Properties"]
    if properties.get("Name") is None:
        # A new value is an update in place: the parameter keeps the name it was given.
        cloudformation_json = {**cloudformation_json, "Properties": {**properties, "Name": original_resource.name}}
    return _original_parameter_update.__func__(
        cls, original_resource, new_resource_name, cloudformation_json, account_id, region_name
    )


SsmParameter.create_from_cloudformation_json = classmethod(_create_parameter)
SsmParameter.update_from_cloudformation_json = classmethod(_update_parameter)


RELEASE_CLEANUP_TYPE = "Custom::MlopsReleaseCleanup"
# Every request CloudFormation made of the release clean-up, oldest first.
_cleanup_requests: list[dict[str, Any]] = []


def _record_cleanup(request_type: str, resource: "ReleaseCleanup", properties: dict[str, Any], **extra: Any) -> None:
    with _lock:
        _cleanup_requests.append({
            "requestType": request_type,
            "stackId": resource.stack_id,
            "logicalResourceId": resource.logical_id,
            "physicalResourceId": resource.physical_resource_id,
            "resourceProperties": copy.deepcopy(properties),
            **extra,
        })


class ReleaseCleanup:
    """Custom::MlopsReleaseCleanup answered here, as its provider would, without invoking it.

    Not a CloudFormationModel: those register themselves in moto's model
    catalogue by module name; moto's parser only needs these methods.
    """

    def __init__(self, stack_id: str, logical_id: str, properties: dict[str, Any]):
        self.stack_id = stack_id
        self.logical_id = logical_id
        self.properties = properties

    @staticmethod
    def cloudformation_type() -> str:
        return RELEASE_CLEANUP_TYPE

    @property
    def physical_resource_id(self) -> str:
        # The ID the clean-up handler gives (src/runtime/handlers/cleanup.lambda.ts).
        return f"release-cleanup-{self.logical_id}"

    def is_created(self) -> bool:
        return True

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return False

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any
    ) -> "ReleaseCleanup":
        resource = cls(kwargs["StackId"], kwargs["LogicalId"], cloudformation_json["Properties"])
        _record_cleanup("Create", resource, resource.properties)
        return resource

    @classmethod
    def update_from_cloudformation_json(  # type: ignore[misc]
        cls,
        original_resource: "ReleaseCleanup",
        new_resource_name: str,
        cloudformation_json: Any,
        account_id: str,
        region_name: str,
    ) -> "ReleaseCleanup":
        resource = cls(original_resource.stack_id, original_resource.logical_id, cloudformation_json["Properties"])
        _record_cleanup("Update", resource, resource.properties, oldResourceProperties=copy.deepcopy(original_resource.properties))
        return resource

    def delete(self, account_id: str, region_name: str) -> None:
        _record_cleanup("Delete", self, self.properties)


# What Ref gives for a type moto has no model of, when the template names the
# resource (otherwise CloudFormation's generated name, as moto makes it).
_SKIPPED_NAME_PROPERTIES = {
    "AWS::ApiGateway::Stage": "StageName",
    "AWS::CodeBuild::Project": "Name",
    "AWS::CodePipeline::Pipeline": "Name",
    "AWS::CloudWatch::Alarm": "AlarmName",
}
# Fn::GetAtt <resource>.Arn of such a type, from its physical ID.
_SKIPPED_ARNS = {
    "AWS::CodeBuild::Project": "arn:aws:codebuild:{region}:{account}:project/{id}",
    "AWS::CodePipeline::Pipeline": "arn:aws:codepipeline:{region}:{account}:{id}",
}


class SkippedResource:
    """A resource of a type moto cannot create: nothing is created, but it has
    a physical ID (and an ARN where the type's format is known), so Refs and
    GetAtts to it resolve as they would in CloudFormation."""

    def __init__(self, resource_type: str, physical_id: str, account_id: str, region_name: str):
        self.resource_type = resource_type
        self.physical_resource_id = physical_id
        self.account_id = account_id
        self.region_name = region_name

    def is_created(self) -> bool:
        return True

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return True

    def get_cfn_attribute(self, attribute_name: str) -> str:
        arn = _SKIPPED_ARNS.get(self.resource_type)
        if attribute_name == "Arn" and arn:
            return arn.format(region=self.region_name, account=self.account_id, id=self.physical_resource_id)
        # moto's parser logs this and resolves the GetAtt to None, as for its own models.
        raise NotImplementedError(f"{self.resource_type}.{attribute_name} of {{0}} is not emulated")

    @staticmethod
    def _physical_id(resource_type: str, resource_name: str, properties: dict[str, Any]) -> str:
        name_property = _SKIPPED_NAME_PROPERTIES.get(resource_type)
        return (properties.get(name_property) if name_property else None) or resource_name

    @classmethod
    def create_from_cloudformation_json(  # type: ignore[misc]
        cls, resource_name: str, cloudformation_json: Any, account_id: str, region_name: str, **kwargs: Any
    ) -> "SkippedResource":
        resource_type = kwargs["ResourceType"]
        physical_id = cls._physical_id(resource_type, resource_name, cloudformation_json["Properties"])
        return cls(resource_type, physical_id, account_id, region_name)

    @classmethod
    def update_from_cloudformation_json(  # type: ignore[misc]
        cls,
        original_resource: "SkippedResource",
        new_resource_name: str,
        cloudformation_json: Any,
        account_id: str,
        region_name: str,
    ) -> "SkippedResource":
        # Only a changed name replaces the resource; other changes keep its ID.
        name_property = _SKIPPED_NAME_PROPERTIES.get(original_resource.resource_type)
        name = cloudformation_json["Properties"].get(name_property) if name_property else None
        physical_id = name or original_resource.physical_resource_id
        return cls(original_resource.resource_type, physical_id, account_id, region_name)

    def delete(self, account_id: str, region_name: str) -> None:
        pass


_original_resource_class_from_type = cfn_parsing.resource_class_from_type


def _resource_class_from_type(resource_type: str) -> Any:
    if resource_type == RELEASE_CLEANUP_TYPE:
        return ReleaseCleanup
    resource_class = _original_resource_class_from_type(resource_type)
    if resource_class is None and resource_type not in cfn_parsing.NULL_MODELS:
        return SkippedResource
    return resource_class


cfn_parsing.resource_class_from_type = _resource_class_from_type


def _is_no_value(element: Any, resources_map: Any) -> bool:
    """Whether a list element is AWS::NoValue, directly or as the branch an Fn::If takes."""
    if not isinstance(element, dict) or len(element) != 1:
        return False
    if element.get("Ref") == "AWS::NoValue":
        return True
    if "Fn::If" in element and hasattr(resources_map, "lazy_condition_map"):
        condition, when_true, when_false = element["Fn::If"]
        taken = when_true if resources_map.lazy_condition_map[condition] else when_false
        return _is_no_value(taken, resources_map)
    return False


_original_clean_json = cfn_parsing.clean_json


def _clean_json(resource_json: Any, resources_map: Any) -> Any:
    if isinstance(resource_json, list):
        # CloudFormation removes AWS::NoValue from a list; moto left a None in its place.
        return [_clean_json(e, resources_map) for e in resource_json if not _is_no_value(e, resources_map)]
    return _original_clean_json(resource_json, resources_map)


# clean_json recurses through the module's global name, so nested lists get this too.
cfn_parsing.clean_json = _clean_json

_original_generate_resource_name = cfn_parsing.generate_resource_name


def _generate_resource_name(resource_type: str, stack_name: str, logical_id: str) -> str:
    name = _original_generate_resource_name(resource_type, stack_name, logical_id)
    # ECR repository names are lower case; CloudFormation generates them so.
    return name.lower() if resource_type == "AWS::ECR::Repository" else name


cfn_parsing.generate_resource_name = _generate_resource_name


_original_parse_and_update_resource = cfn_parsing.parse_and_update_resource


def _parse_and_update_resource(
    logical_id: str, resource_json: dict[str, Any], resources_map: Any, account_id: str, region_name: str
) -> Any:
    updated = _original_parse_and_update_resource(logical_id, resource_json, resources_map, account_id, region_name)
    if updated is None:
        # moto has no update for this type and answered None, which replaced the
        # resource in the stack: keep the one there is.
        return resources_map._parsed_resources.get(logical_id)
    return updated


cfn_parsing.parse_and_update_resource = _parse_and_update_resource


def _delete_managed_policy(
    cls: type[ManagedPolicy], resource_name: str, cloudformation_json: Any, account_id: str, region_name: str
) -> None:
    # resource_name is the policy's ARN (its physical ID). CloudFormation
    # detaches it from its roles, users and groups, then deletes it.
    backend = iam_backends[account_id][get_partition(region_name)]
    policy = backend.managed_policies.get(resource_name)
    if policy is None:
        return
    for holder in [*backend.roles.values(), *backend.users.values(), *backend.groups.values()]:
        if resource_name in holder.managed_policies:
            policy.detach_from(holder)
    backend.delete_policy(resource_name)


ManagedPolicy.delete_from_cloudformation_json = classmethod(_delete_managed_policy)


def _as_given(value: Any) -> str:
    # How CloudFormation holds a parameter value: the string it was given.
    return ",".join(str(v) for v in value) if isinstance(value, list) else str(value)


def _validate_different_update(
    self: CloudFormationResponse, incoming_params: list[dict[str, Any]] | None, stack_body: str, old_stack: Any
) -> None:
    if incoming_params and stack_body:
        current = old_stack.stack_parameters
        new_params = self._get_param_values(incoming_params, current)
        unchanged = {k: _as_given(v) for k, v in current.items()} == {k: _as_given(v) for k, v in new_params.items()}
        if old_stack.template == stack_body and unchanged:
            raise CfnValidationError(old_stack.name, message="No updates are to be performed.")


CloudFormationResponse._validate_different_update = _validate_different_update


# Stack changes one at a time, and a name held until its stack is deleted
# (see the header: concurrent requests).
_stack_change = threading.Condition(_lock)
# moto's backends are plain dicts without locks, which two stack changes
# would modify at once: one change's resources at a time on the whole server.
# Reads go on meanwhile.
_stack_work = threading.RLock()
_creating: dict[tuple[str, str], set[str]] = {}  # (account, region) -> names CreateStack holds but has not stored yet
_deleting: dict[tuple[str, str], dict[str, Any]] = {}  # (account, region) -> stack ID -> stack being deleted
_original_stack_init = cfn_models.Stack.__init__
_original_stack_outputs = cfn_models.Stack.outputs.fget
_original_create_resources = cfn_models.Stack.create_resources
_original_create_stack = cfn_models.CloudFormationBackend.create_stack
_original_update_stack = cfn_models.CloudFormationBackend.update_stack
_original_delete_stack = cfn_models.CloudFormationBackend.delete_stack
_original_get_stack = cfn_models.CloudFormationBackend.get_stack
_original_describe_stacks = cfn_models.CloudFormationBackend.describe_stacks


def _backend_key(holder: Any) -> tuple[str, str]:
    return (holder.account_id, holder.region_name)


def _being_deleted(backend: Any, name_or_stack_id: str) -> Any:
    for stack in _deleting.get(_backend_key(backend), {}).values():
        if name_or_stack_id in (stack.name, stack.stack_id):
            return stack
    return None


def _live_stack(backend: Any, name_or_stack_id: str) -> Any:
    for stack in backend.stacks.values():
        if name_or_stack_id in (stack.name, stack.stack_id):
            return stack
    return _being_deleted(backend, name_or_stack_id)


def _stack_init(self: Any, *args: Any, **kwargs: Any) -> None:
    _original_stack_init(self, *args, **kwargs)
    # moto's CREATE_PENDING is no CloudFormation status; a stack that exists is being created.
    self.status = "CREATE_IN_PROGRESS"


def _stack_outputs(self: Any) -> Any:
    # While CloudFormation works on a stack, DescribeStacks shows the outputs
    # it had when the change began (none during a create).
    if self.status.endswith("_IN_PROGRESS"):
        return getattr(self, "_mlops_settled_outputs", None)
    return _original_stack_outputs(self)


def _settle_outputs(stack: Any) -> None:
    stack._mlops_settled_outputs = _original_stack_outputs(stack) if not stack.status.endswith("_IN_PROGRESS") else None


def _create_resources(self: Any) -> None:
    with _stack_change:
        # The stack is stored now: a CreateStack of its name waiting on it gets AlreadyExists.
        _creating.get(_backend_key(self), set()).discard(self.name)
        _stack_change.notify_all()
    try:
        _original_create_resources(self)
    except BaseException:
        # Never left CREATE_IN_PROGRESS, which nothing would end: failed, as CloudFormation reports it.
        self.status = "CREATE_FAILED"
        raise
    finally:
        with _stack_change:
            _stack_change.notify_all()


def _create_stack(self: Any, name: str, *args: Any, **kwargs: Any) -> Any:
    key = _backend_key(self)
    with _stack_change:
        _stack_change.wait_for(lambda: name not in _creating.get(key, set()))
        if _live_stack(self, name) is not None:
            raise AlreadyExistsException(f"Stack [{name}] already exists")
        _creating.setdefault(key, set()).add(name)
    try:
        with _stack_work:
            return _original_create_stack(self, name, *args, **kwargs)
    finally:
        with _stack_change:
            _creating[key].discard(name)
            _stack_change.notify_all()


def _update_stack(self: Any, name: str, *args: Any, **kwargs: Any) -> Any:
    with _stack_change:
        stack = self.get_stack(name)
        if stack.status.endswith("_IN_PROGRESS") or stack.status == "DELETE_COMPLETE":
            raise CfnValidationError(stack.stack_id, message=f"Stack:{stack.stack_id} is in {stack.status} state and can not be updated.")
        _settle_outputs(stack)
        settled = stack.status
        stack.status = "UPDATE_IN_PROGRESS"
    try:
        with _stack_work:
            return _original_update_stack(self, name, *args, **kwargs)
    except BaseException:
        # moto applied nothing it could roll back; the stack reads as before.
        stack.status = settled
        raise
    finally:
        with _stack_change:
            _stack_change.notify_all()


def _delete_stack(self: Any, name_or_stack_id: str) -> None:
    key = _backend_key(self)
    with _stack_change:
        stack = _live_stack(self, name_or_stack_id)
        if stack is None:
            return _original_delete_stack(self, name_or_stack_id)
        # CloudFormation cancels a create to delete the stack; here the create finishes first.
        _stack_change.wait_for(lambda: stack.status != "CREATE_IN_PROGRESS")
        if stack.status in ("DELETE_IN_PROGRESS", "DELETE_COMPLETE"):
            return None
        if stack.status.endswith("_IN_PROGRESS") and stack.status != "REVIEW_IN_PROGRESS":
            raise CfnValidationError(stack.stack_id, message=f"Stack [{stack.stack_id}] cannot be deleted while in status {stack.status}")
        _settle_outputs(stack)
        stack.status = "DELETE_IN_PROGRESS"
        _deleting.setdefault(key, {})[stack.stack_id] = stack
    try:
        with _stack_work:
            return _original_delete_stack(self, stack.stack_id)
    finally:
        with _stack_change:
            _deleting[key].pop(stack.stack_id, None)
            _stack_change.notify_all()


def _being_deleted_or_raise(backend: Any, name_or_stack_id: str, err: Exception) -> Any:
    # moto takes a stack out of its list before deleting its resources; CloudFormation still has it.
    stack = _being_deleted(backend, name_or_stack_id)
    if stack is None:
        raise err
    return stack


def _get_stack(self: Any, name_or_stack_id: str) -> Any:
    try:
        return _original_get_stack(self, name_or_stack_id)
    except CfnValidationError as err:
        return _being_deleted_or_raise(self, name_or_stack_id, err)


def _describe_stacks(self: Any, name_or_stack_id: str) -> Any:
    try:
        return _original_describe_stacks(self, name_or_stack_id)
    except CfnValidationError as err:
        return [_being_deleted_or_raise(self, name_or_stack_id, err)]


cfn_models.Stack.__init__ = _stack_init
cfn_models.Stack.outputs = property(_stack_outputs)
cfn_models.Stack.create_resources = _create_resources
cfn_models.CloudFormationBackend.create_stack = _create_stack
cfn_models.CloudFormationBackend.update_stack = _update_stack
cfn_models.CloudFormationBackend.delete_stack = _delete_stack
cfn_models.CloudFormationBackend.get_stack = _get_stack
cfn_models.CloudFormationBackend.describe_stacks = _describe_stacks


# --- control API --------------------------------------------------------------


def _json(status: int, body: dict[str, Any]) -> Response:
    return Response(json.dumps(body), status=status, mimetype="application/json")


def _control(request: Request) -> Response:
    parts = request.path.strip("/").split("/")  # ["_mlops", ...]
    try:
        body = request.get_json(force=True, silent=False) if request.method == "POST" else {}
    except Exception:
        return _json(400, {"error": "the request body must be JSON"})
    if not isinstance(body, dict):
        return _json(400, {"error": "the request body must be a JSON object"})

    if parts[1:] == ["settings"] and request.method in ("GET", "POST"):
        for setting in ("describesUntilReady", "buildChecksUntilDone"):
            if setting in body:
                n = body[setting]
                if isinstance(n, bool) or not isinstance(n, int) or n < 0:
                    return _json(400, {"error": f"{setting} must be an integer >= 0"})
        with _lock:
            for setting in ("describesUntilReady", "buildChecksUntilDone"):
                if setting in body:
                    _settings[setting] = body[setting]
            return _json(200, dict(_settings))

    if parts[1:] == ["cloudformation", "release-cleanups"] and request.method == "GET":
        stack_id = request.args.get("stackId")
        with _lock:
            found = [copy.deepcopy(r) for r in _cleanup_requests if stack_id is None or r["stackId"] == stack_id]
        return _json(200, {"requests": found})

    if len(parts) == 4 and parts[1] == "codebuild" and parts[3] == "fail-next" and request.method == "POST":
        status = body.get("status")
        phase = body.get("phase", "BUILD")
        if status not in FAILED_BUILD_STATUSES:
            return _json(400, {"error": f"status must be one of {', '.join(FAILED_BUILD_STATUSES)}"})
        if phase not in BUILD_PHASES:
            return _json(400, {"error": f"phase must be one of {', '.join(BUILD_PHASES)}"})
        message = body.get("message", f"Phase {phase} ended {status}")
        if not isinstance(message, str) or not message:
            return _json(400, {"error": "message must be a non-empty string"})
        outcome = {"status": status, "phase": phase, "message": message}
        if isinstance(body.get("statusCode"), str):
            outcome["statusCode"] = body["statusCode"]
        with _lock:
            _fail_next_build[parts[2]] = outcome
        return _json(200, {"projectName": parts[2], **outcome})

    if len(parts) == 4 and parts[1] == "endpoints" and parts[3] == "fail-next" and request.method == "POST":
        reason = body.get("reason")
        if not isinstance(reason, str) or not reason:
            return _json(400, {"error": "reason must be a non-empty string"})
        with _lock:
            _fail_next[parts[2]] = reason
        return _json(200, {"endpointName": parts[2], "reason": reason})

    return _json(404, {"error": f"no control route {request.method} {request.path}"})


class ControlApiMiddleware:
    """Serves /_mlops/* itself and hands everything else to moto."""

    def __init__(self, moto_app: Any):
        self.moto_app = moto_app

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        path = environ.get("PATH_INFO", "")
        if path.startswith("/_mlops/"):
            return _control(Request(environ))(environ, start_response)
        if path == "/moto-api/reset" and environ.get("REQUEST_METHOD") == "POST":
            _reset_extra_state()
        return self.moto_app(environ, start_response)


def _exit_when_parent_goes_away() -> None:
    # The parent holds our stdin open; EOF means it exited (even by SIGKILL),
    # so the server never outlives the test run that started it.
    sys.stdin.read()
    os._exit(0)


def main() -> None:
    parser = argparse.ArgumentParser(description="moto server with realistic SageMaker endpoints")
    parser.add_argument("port", type=int, nargs="?", default=0, help="0 picks a free port")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--exit-on-stdin-eof", action="store_true")
    args = parser.parse_args()

    # One log line per request on stderr is noise for a test run.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)

    app = RequestContract(ControlApiMiddleware(DomainDispatcherApplication(create_backend_app)))
    server = make_server(args.host, args.port, app, threaded=True, request_handler=MotoRequestHandler)
    port = server.server_port
    # moto builds some URLs it returns (SQS queue URLs, Lambda env) from MOTO_PORT.
    os.environ["MOTO_PORT"] = str(port)
    print(f"MOTO_PORT={port}", flush=True)

    if args.exit_on_stdin_eof:
        threading.Thread(target=_exit_when_parent_goes_away, daemon=True).start()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
