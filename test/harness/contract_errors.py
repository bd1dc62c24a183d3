"""The error AWS answers a request that breaks the service's model with, in the
protocol the request came in:

- JSON protocols: HTTP 400, `x-amzn-ErrorType` and
  {"__type": "ValidationException", "message": "1 validation error detected: ..."};
  a value of the wrong type is a SerializationException, found before
  validation. Services that also speak query (awsQueryCompatible, such as
  CloudWatch) answer their query code and say so in `x-amzn-query-error`.
- query: the XML ErrorResponse in the service's namespace, code ValidationError
  (CloudFormation, STS, IAM answer `ValidationError` for these messages).
- rest-json: {"message": ...} with the code in `x-amzn-ErrorType`.
- S3: its XML <Error>, InvalidArgument with the header or query parameter
  (ArgumentName) and value (ArgumentValue) refused.

Every such answer carries `x-mlops-contract-violation`: the operation and
what it broke, URL-encoded, so a test can tell AWS's refusal of a malformed
request from any other error.
"""

import json
import urllib.parse
import uuid
from dataclasses import dataclass
from xml.sax.saxutils import escape

from contract_models import Target
from contract_validate import Findings, WrongType, lower_first

CONTRACT_HEADER = "x-mlops-contract-violation"
SUMMARY_MAX_CHARS = 1500

# Services whose validation code is neither their protocol's usual one nor a
# modelled error shape named ValidationException/ValidationError, each with
# where AWS was seen answering it.
VALIDATION_CODES = {
    # "1 validation error detected: Value null at 'createAuthorizerInput.name' ...
    # (Service: AmazonApiGateway; Status Code: 400; Error Code: ValidationException)"
    # in a CloudFormation event; moto's and LocalStack's API Gateway answer the same.
    "apigateway": "ValidationException",
    # CodeBuild answers its own InvalidInputException, e.g. "Invalid type
    # provided: Project source type" for a source type outside its enum.
    "codebuild": "InvalidInputException",
    "s3": "InvalidArgument",
}


@dataclass
class Answer:
    status: int
    headers: list[tuple[str, str]]
    body: bytes


def path_prefix(target: Target) -> str:
    """API Gateway names members under the operation's input: 'createRestApiInput.name'."""
    if target.service.service_name == "apigateway":
        return lower_first(target.operation.name) + "Input."
    return ""


def validation_code(target: Target) -> str:
    name = target.service.service_name
    if name in VALIDATION_CODES:
        return VALIDATION_CODES[name]
    for shape in target.operation.error_shapes:
        if shape.name in ("ValidationException", "ValidationError"):
            return shape.error_code
    if _query_compatible(target) or target.protocol == "query":
        return "ValidationError"
    return "ValidationException"


def _query_compatible(target: Target) -> bool:
    return "awsQueryCompatible" in target.service.metadata or "query" in (target.service.metadata.get("protocols") or [])


def message(findings: Findings) -> str:
    if findings.wrong_types:
        return findings.wrong_types[0].message
    count = len(findings.violations)
    detected = "1 validation error detected" if count == 1 else f"{count} validation errors detected"
    return f"{detected}: " + "; ".join(v.message() for v in findings.violations)


def summary(target: Target, findings: Findings) -> str:
    """One line for the test that made the request: the operation and every problem."""
    problems = [f"{w.message} (at '{w.path}')" for w in findings.wrong_types] or [v.message() for v in findings.violations]
    text = f"{target.name}: " + "; ".join(problems)
    return text[:SUMMARY_MAX_CHARS]


def refuse(target: Target, findings: Findings, method: str) -> Answer:
    text = message(findings)
    wrong_type = bool(findings.wrong_types)
    request_id = str(uuid.uuid4())
    flag = (CONTRACT_HEADER, urllib.parse.quote(summary(target, findings), safe=" :'.,;[]()=-_"))
    if target.protocol == "query":
        code = validation_code(target)
        body = _query_error(target, code, text, request_id)
        return Answer(400, [("Content-Type", "text/xml"), ("x-amzn-RequestId", request_id), flag], body)
    if target.protocol == "rest-xml":
        first = findings.wrong_types[0] if wrong_type else findings.violations[0]
        body = _s3_error(target, first, text, request_id)
        headers = [("Content-Type", "application/xml"), ("x-amz-request-id", request_id), ("x-amz-id-2", request_id), flag]
        return Answer(400, headers, b"" if method == "HEAD" else body)
    code = "SerializationException" if wrong_type else validation_code(target)
    headers = [("x-amzn-RequestId", request_id), ("x-amzn-ErrorType", code), flag]
    if target.protocol == "json":
        version = target.service.metadata.get("jsonVersion", "1.0")
        headers.append(("Content-Type", f"application/x-amz-json-{version}"))
        if _query_compatible(target) and not wrong_type:
            headers.append(("x-amzn-query-error", f"{code};Sender"))
        payload = {"__type": code, "message": text}
    else:
        headers.append(("Content-Type", "application/json"))
        payload = {"message": text}
    return Answer(400, headers, json.dumps(payload).encode())


def unreadable_body(target: Target, reason: str) -> Answer:
    """A body that is not JSON or XML at all."""
    findings = Findings(wrong_types=[WrongType("(body)", "", reason)])
    return refuse(target, findings, "POST")


def _query_error(target: Target, code: str, text: str, request_id: str) -> bytes:
    namespace = target.service.metadata.get("xmlNamespace", "")
    return (
        f'<ErrorResponse xmlns="{escape(namespace)}"><Error><Type>Sender</Type>'
        f"<Code>{escape(code)}</Code><Message>{escape(text)}</Message></Error>"
        f"<RequestId>{request_id}</RequestId></ErrorResponse>"
    ).encode()


def _s3_error(target: Target, first: object, text: str, request_id: str) -> bytes:
    top = getattr(first, "top_member", "")
    shape = target.operation.input_shape
    member = shape.members.get(top) if shape is not None and top else None
    argument = member.serialization.get("name", top) if member is not None else top
    value = getattr(first, "value", None)
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>InvalidArgument</Code>',
        f"<Message>{escape(text)}</Message>",
        f"<ArgumentName>{escape(argument)}</ArgumentName>" if argument else "",
        f"<ArgumentValue>{escape(value)}</ArgumentValue>" if isinstance(value, str) else "",
        f"<RequestId>{request_id}</RequestId><HostId>{request_id}</HostId></Error>",
    ]
    return "".join(parts).encode()
