"""Every AWS request the launcher receives, checked against botocore's model of
its service before moto sees it (WSGI middleware around the launcher's app).

A request AWS would refuse (a required member missing, a value outside its
enum, its length or value range, not matching its pattern, or of the wrong
type) is answered here as AWS answers it (contract_errors.py) and never
reaches moto; the answer carries `x-mlops-contract-violation`, which the
test side (test/harness/contract-violations.ts) turns into a failure of the
test that made the request.

  GET /_mlops/contract-report
      {"requestsChecked": N, "operations": {"SageMaker.CreateModel": n, ...},
       "violations": V, "violationSamples": [{"operation", "message"}, ...],
       "unidentified": {reason: n}, "uncheckedPatterns": {pattern: reason},
       "checkerErrors": [...], "checkSeconds": time spent checking}
  The counts cover the server's whole run: /moto-api/reset leaves them.

Not checked, because botocore's models do not say or the check cannot be
exact: rules across members (one member or another, a union's single member,
values that depend on each other), what the service looks up (names that
exist, quotas, ARNs of real resources), constraints the service applies but
its botocore model leaves out (CloudFormation refuses `a_b` as DescribeStacks'
StackName; botocore gives that member no pattern), the format of timestamps,
document members, the few Java patterns java_regex.py cannot reproduce
exactly (reported as uncheckedPatterns), and requests in Smithy RPC v2 CBOR
(no client here sends them). String lengths are counted in code points.
"""

import io
import json
import sys
import threading
import time
import traceback
import urllib.parse
from collections import Counter
from typing import Any

from contract_errors import Answer, path_prefix, refuse, summary, unreadable_body
from contract_models import ModelIndex, Request, Target, Unidentified
from contract_parse import BodyError, needs_body, parse
from contract_validate import validate
from werkzeug.wsgi import get_input_stream

REPORT_ROUTE = "/_mlops/contract-report"
SAMPLES_KEPT = 50
DRAIN_CHUNK_BYTES = 1 << 16


class RequestContract:
    """Checks requests against botocore's models, then hands them to `app`."""

    def __init__(self, app: Any):
        self.app = app
        self.index = ModelIndex()
        self._lock = threading.Lock()
        self._operations: Counter[str] = Counter()
        self._violations = 0
        self._samples: list[dict[str, str]] = []
        self._unidentified: Counter[str] = Counter()
        self._unchecked_patterns: dict[str, str] = {}
        self._errors: list[str] = []
        self._check_seconds = 0.0  # what the checks cost the server, for anyone weighing it

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        path = environ.get("PATH_INFO", "")
        if path == REPORT_ROUTE:
            return _send(Answer(200, [("Content-Type", "application/json")], json.dumps(self.report()).encode()), start_response)
        if path.startswith("/_mlops/") or path.startswith("/moto-api/"):
            return self.app(environ, start_response)
        started = time.perf_counter()
        try:
            answer = self._check(environ)
        except Exception:  # a fault of the checker, not of the request
            with self._lock:
                self._errors.append(traceback.format_exc(limit=8))
            print(f"request contract: checker failed on {environ.get('REQUEST_METHOD')} {path}", file=sys.stderr, flush=True)
            traceback.print_exc(file=sys.stderr)
            answer = None
        with self._lock:
            self._check_seconds += time.perf_counter() - started
        if answer is not None:
            _drain(environ)
            return _send(answer, start_response)
        return self.app(environ, start_response)

    def _check(self, environ: dict[str, Any]) -> Answer | None:
        request = _request(environ)
        if _small_body(request):
            request.body = _read_body(environ)
        try:
            target = self.index.identify(request)
        except Unidentified as err:
            with self._lock:
                self._unidentified[str(err)] += 1
            return None
        if request.body is None and needs_body(target):
            request.body = _read_body(environ)
        with self._lock:
            self._operations[target.name] += 1
        try:
            value = parse(target, request)
        except BodyError as err:
            return self._refused(target, unreadable_body(target, str(err)), str(err))
        findings = validate(target.operation.input_shape, value, path_prefix(target))
        if findings.unchecked_patterns:
            with self._lock:
                self._unchecked_patterns.update(dict(findings.unchecked_patterns))
        if not findings.violations and not findings.wrong_types:
            return None
        return self._refused(target, refuse(target, findings, request.method), summary(target, findings))

    def _refused(self, target: Target, answer: Answer, text: str) -> Answer:
        with self._lock:
            self._violations += 1
            if len(self._samples) < SAMPLES_KEPT:
                self._samples.append({"operation": target.name, "message": text})
        return answer

    def report(self) -> dict[str, Any]:
        with self._lock:
            return {
                "requestsChecked": sum(self._operations.values()),
                "operations": dict(sorted(self._operations.items())),
                "violations": self._violations,
                "violationSamples": list(self._samples),
                "unidentified": dict(self._unidentified),
                "uncheckedPatterns": dict(self._unchecked_patterns),
                "checkerErrors": list(self._errors),
                "checkSeconds": round(self._check_seconds, 3),
            }


def _request(environ: dict[str, Any]) -> Request:
    raw = environ.get("RAW_URI") or environ.get("REQUEST_URI") or environ.get("PATH_INFO", "")
    raw_path, _, raw_query = raw.partition("?")
    headers = {key[5:].replace("_", "-").lower(): value for key, value in environ.items() if key.startswith("HTTP_")}
    for key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
        if environ.get(key):
            headers[key.replace("_", "-").lower()] = environ[key]
    query = urllib.parse.parse_qsl(raw_query or environ.get("QUERY_STRING", ""), keep_blank_values=True)
    return Request(environ.get("REQUEST_METHOD", "GET"), raw_path, query, headers)


def _small_body(request: Request) -> bool:
    """JSON and form bodies name their operation, and are small: read them first."""
    content_type = (request.header("content-type") or "").lower()
    return content_type.startswith(("application/x-amz-json", "application/x-www-form-urlencoded"))


def _read_body(environ: dict[str, Any]) -> bytes:
    body = get_input_stream(environ).read()
    # moto reads the body again: hand it the bytes already read.
    environ["wsgi.input"] = io.BytesIO(body)
    environ["CONTENT_LENGTH"] = str(len(body))
    environ["wsgi.input_terminated"] = True
    return body


def _drain(environ: dict[str, Any]) -> None:
    # A refused streaming upload (not read, unlike other bodies) is read to its
    # end, so the client sees the answer rather than a reset connection.
    if not isinstance(environ["wsgi.input"], io.BytesIO):
        stream = get_input_stream(environ)
        while stream.read(DRAIN_CHUNK_BYTES):
            pass


def _send(answer: Answer, start_response: Any) -> list[bytes]:
    reason = {200: "OK", 400: "Bad Request"}.get(answer.status, "")
    headers = answer.headers + [("Content-Length", str(len(answer.body)))]
    start_response(f"{answer.status} {reason}", headers)
    return [answer.body]
