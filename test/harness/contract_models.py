"""Which botocore service model and operation an HTTP request is for.

The service comes from the SigV4 credential scope (`.../<region>/<signing
name>/aws4_request`, in the Authorization header or a presigned URL's
X-Amz-Credential), as AWS routes it; several models may share a signing name
(SageMaker and SageMaker Runtime both sign as `sagemaker`), so the request's
wire protocol and operation pick among them. Unsigned requests fall back to
the X-Amz-Target prefix, or a query `Action`.

The operation comes from the protocol the request arrived in, not the first
one the model lists (CloudWatch's model lists CBOR, JSON and query; the
JavaScript SDK speaks JSON): X-Amz-Target for JSON, `Action` for query, and
for REST the HTTP method and the `requestUri` template (S3 path-style, with
operations that share a URI told apart by the required query and header
members present, as S3 does).
"""

import gzip
import json
import os
import re
import threading
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

import botocore
import botocore.session
from botocore.model import OperationModel, ServiceModel

DATA = os.path.join(os.path.dirname(botocore.__file__), "data")
JSON_CONTENT = re.compile(r"application/x-amz-json-(1\.[01])")
METADATA_HEAD_CHARS = 8192
SIGV4_SCOPE = re.compile(r"Credential=[^/,\s]+/\d{8}/[^/]+/([^/]+)/aws4_request")


@dataclass
class Request:
    """What the checker needs of an HTTP request, headers keyed in lower case."""

    method: str
    raw_path: str  # percent-encoded, as sent
    query: list[tuple[str, str]]
    headers: dict[str, str]
    body: bytes | None = None  # read only when the operation needs it

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    def query_values(self, name: str) -> list[str]:
        return [v for k, v in self.query if k == name]


@dataclass
class Target:
    """The operation a request is for, and how it was sent."""

    service: ServiceModel
    operation: OperationModel
    protocol: str  # json | query | rest-json | rest-xml
    labels: dict[str, str] = field(default_factory=dict)  # REST URI labels, decoded

    @property
    def name(self) -> str:
        return f"{self.service.service_id}.{self.operation.name}"


class Unidentified(Exception):
    """No service model and operation could be told for the request."""


class ModelIndex:
    """botocore's service models, found by signing name and target prefix."""

    def __init__(self) -> None:
        self._session = botocore.session.get_session()
        self._lock = threading.Lock()
        self._by_signing_name: dict[str, list[str]] = {}
        self._by_target_prefix: dict[str, list[str]] = {}
        self._query_services: list[str] = []
        self._metadata: dict[str, dict[str, Any]] = {}
        self._models: dict[str, ServiceModel] = {}
        self._index()

    def _index(self) -> None:
        # Reading each model's metadata (at the top of its file) is enough to
        # index all of them; a model is loaded whole only when a request needs it.
        for name in sorted(os.listdir(DATA)):
            metadata = _metadata(os.path.join(DATA, name))
            if metadata is None:
                continue
            self._metadata[name] = metadata
            signing = metadata.get("signingName") or metadata.get("endpointPrefix")
            self._by_signing_name.setdefault(signing, []).append(name)
            if metadata.get("targetPrefix"):
                self._by_target_prefix.setdefault(metadata["targetPrefix"], []).append(name)
            if "query" in _protocols(metadata):
                self._query_services.append(name)
        for signing, names in self._by_signing_name.items():
            # The model named as its signing name first (s3 before s3control).
            names.sort(key=lambda n, s=signing: (n != s, n))

    def model(self, name: str) -> ServiceModel:
        with self._lock:
            if name not in self._models:
                self._models[name] = self._session.get_service_model(name)
            return self._models[name]

    def identify(self, request: Request) -> Target:
        protocol = _wire_protocol(request)
        if protocol == "cbor":
            raise Unidentified("Smithy RPC v2 CBOR requests are not parsed")
        candidates = self._candidates(request, protocol)
        if not candidates:
            raise Unidentified("no botocore model for its signing name, target or action")
        for name in candidates:
            target = _operation(self.model(name), request, protocol)
            if target is not None:
                return target
        raise Unidentified(f"no operation of {', '.join(candidates)} matches {request.method} {request.raw_path}")

    def _candidates(self, request: Request, protocol: str) -> list[str]:
        signing = _signing_name(request)
        if signing is not None:
            names = self._by_signing_name.get(signing, [])
        elif protocol == "json":
            names = self._by_target_prefix.get((request.header("x-amz-target") or "").split(".")[0], [])
        elif protocol == "query":
            names = self._query_services
        else:
            names = []
        return [n for n in names if _speaks(self._metadata[n], protocol)]


def _metadata(service_dir: str) -> dict[str, Any] | None:
    if not os.path.isdir(service_dir):
        return None
    versions = sorted(v for v in os.listdir(service_dir) if os.path.isdir(os.path.join(service_dir, v)))
    for version in reversed(versions):
        for file in ("service-2.json.gz", "service-2.json"):
            path = os.path.join(service_dir, version, file)
            if os.path.exists(path):
                with gzip.open(path, "rt") if file.endswith(".gz") else open(path) as f:
                    head = f.read(METADATA_HEAD_CHARS)
                    try:
                        return json.JSONDecoder().raw_decode(head, head.find("{", head.find('"metadata"')))[0]
                    except ValueError:  # not at the top after all: read it all
                        return json.loads(head + f.read())["metadata"]
    return None


def _protocols(metadata: dict[str, Any]) -> list[str]:
    return list(metadata.get("protocols") or [metadata.get("protocol")])


def _speaks(metadata: dict[str, Any], protocol: str) -> bool:
    spoken = _protocols(metadata)
    if protocol == "rest":
        return any(p in ("rest-json", "rest-xml") for p in spoken)
    return protocol in spoken


def _signing_name(request: Request) -> str | None:
    credential = request.header("authorization") or ""
    found = SIGV4_SCOPE.search(credential)
    if found is None:
        presigned = request.query_values("X-Amz-Credential")
        found = SIGV4_SCOPE.search("Credential=" + presigned[0]) if presigned else None
    return found.group(1) if found else None


def _wire_protocol(request: Request) -> str:
    content_type = (request.header("content-type") or "").lower()
    if request.header("smithy-protocol") or content_type.startswith("application/cbor"):
        return "cbor"
    if request.header("x-amz-target") and JSON_CONTENT.match(content_type):
        return "json"
    # A form body is a query request only if it names an Action (an S3 upload
    # may carry any content type).
    form_action = content_type.startswith("application/x-www-form-urlencoded") and b"Action=" in (request.body or b"")
    if form_action or request.query_values("Action"):
        return "query"
    return "rest"


def _operation(model: ServiceModel, request: Request, protocol: str) -> Target | None:
    if protocol == "json":
        prefix, _, name = (request.header("x-amz-target") or "").partition(".")
        if prefix != model.metadata.get("targetPrefix") or name not in model.operation_names:
            return None
        return Target(model, model.operation_model(name), "json")
    if protocol == "query":
        params = dict(request.query)
        if request.body:
            params.update(urllib.parse.parse_qsl(request.body.decode("utf-8", "replace"), keep_blank_values=True))
        name = params.get("Action", "")
        if name not in model.operation_names or params.get("Version") not in (None, model.api_version):
            return None
        return Target(model, model.operation_model(name), "query")
    rest = "rest-xml" if "rest-xml" in _protocols(model.metadata) else "rest-json"
    return _rest_operation(model, request, rest)


def _rest_operation(model: ServiceModel, request: Request, protocol: str) -> Target | None:
    best: tuple[tuple[bool, int, int, int], Target] | None = None
    query_keys = {k for k, _ in request.query}
    for name in model.operation_names:
        operation = model.operation_model(name)
        if operation.http.get("method", "POST") != request.method:
            continue
        labels = _match_uri(operation.http["requestUri"], request.raw_path, query_keys)
        if labels is None:
            continue
        present = _required_present(operation, request)
        # An operation whose required query and header members are all there
        # wins (UploadPart over PutObject on PUT /{Bucket}/{Key+}); one that
        # misses some is still the answer when nothing else matches, and its
        # missing members are then the violation.
        score = (present >= 0, *_uri_specificity(operation.http["requestUri"]), present)
        if best is None or score > best[0]:
            best = (score, Target(model, operation, protocol, labels))
    return best[1] if best else None


def _match_uri(template: str, raw_path: str, query_keys: set[str]) -> dict[str, str] | None:
    path_template, _, query_template = template.partition("?")
    for literal in filter(None, query_template.split("&")):
        if literal.split("=", 1)[0] not in query_keys:
            return None
    pattern = ""
    names: list[str] = []
    for part in re.split(r"(\{[^}]+\})", path_template):
        if part.startswith("{"):
            label = part[1:-1]
            greedy = label.endswith("+")
            names.append(label.rstrip("+"))
            pattern += "(.+)" if greedy else "([^/]+)"
        else:
            pattern += re.escape(part)
    # Path-style S3 addresses a bucket as /bucket or /bucket/.
    found = re.fullmatch(pattern + ("/?" if not path_template.endswith("/") else ""), raw_path)
    if found is None:
        return None
    return {name: urllib.parse.unquote(value) for name, value in zip(names, found.groups())}


def _uri_specificity(template: str) -> tuple[int, int]:
    path_template, _, query_template = template.partition("?")
    literal_query = len([q for q in query_template.split("&") if q])
    literal_path = len(re.sub(r"\{[^}]+\}", "", path_template))
    return (literal_query, literal_path)


def _required_present(operation: OperationModel, request: Request) -> int:
    """How many required query and header members the request carries; -1 if
    one is missing (the request is then another operation on the same URI,
    such as PutObject rather than CopyObject, which needs x-amz-copy-source)."""
    shape = operation.input_shape
    if shape is None:
        return 0
    present = 0
    query_keys = {k for k, _ in request.query}
    for member_name in shape.required_members:
        member = shape.members[member_name]
        location = member.serialization.get("location")
        wire = member.serialization.get("name", member_name)
        if location == "querystring":
            if wire not in query_keys:
                return -1
            present += 1
        elif location == "header":
            if request.header(wire) is None:
                return -1
            present += 1
    return present
