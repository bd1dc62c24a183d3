"""A request's parameters, read back from the wire into the operation's input
structure, the way botocore's serializers (botocore/serialize.py) put them on
the wire for each protocol:

- json: the body is the structure, members under their locationName;
- query: `Name`, `Name.Sub`, lists as `Name.member.N` (or `Name.N` when
  flattened), maps as `Name.entry.N.key` / `.value`, from the form body and
  the URL's query;
- rest-json / rest-xml: members in the URI labels, query string, headers
  (`headers` maps by prefix), the body (JSON, or XML under the input's
  locationName), or the body is one payload member; a blob or string payload
  is known by its length only (Content-Length, or x-amz-decoded-content-length
  for S3's aws-chunked uploads), without reading it.

Values come out as JSON would have them (dict, list, str, int, float, bool);
text that is not of its member's type (an integer header reading `abc`)
comes out as Malformed, for the validator to refuse.
"""

import base64
import json
import re
import urllib.parse
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from typing import Any

from botocore.model import Shape
from contract_models import Request, Target


@dataclass(frozen=True)
class Malformed:
    """Text on the wire that is not of its member's type."""

    raw: str


@dataclass(frozen=True)
class Payload:
    """A blob or string payload, known by its length in bytes."""

    length: int


class BodyError(Exception):
    """The body cannot be read at all (not JSON, not XML)."""


def needs_body(target: Target) -> bool:
    """Whether the checker must read the request's body (never a streaming payload)."""
    if target.protocol in ("json", "query"):
        return True
    shape = target.operation.input_shape
    if shape is None:
        return False
    payload = shape.serialization.get("payload")
    if payload is not None:
        return shape.members[payload].type_name not in ("blob", "string")
    return any("location" not in m.serialization for m in shape.members.values())


def parse(target: Target, request: Request) -> dict[str, Any]:
    """The operation's input, as a dict of member name to value."""
    shape = target.operation.input_shape
    if shape is None:
        return {}
    if target.protocol == "json":
        return _from_json(shape, _json_body(request.body))
    if target.protocol == "query":
        return _query(shape, _query_params(request))
    return _rest(target, shape, request)


# --- json ----------------------------------------------------------------------


def _json_body(body: bytes | None) -> Any:
    if not body:
        return {}
    try:
        return json.loads(body)
    except ValueError as err:
        raise BodyError(f"the body is not JSON: {err}") from err


def _from_json(shape: Shape, value: Any) -> Any:
    """JSON keyed by wire names, keyed by member names; a value of the wrong
    JSON type is kept as it is, for the validator to refuse."""
    kind = shape.type_name
    if kind == "structure" and isinstance(value, dict) and not shape.metadata.get("document"):
        out = {}
        for name, member in shape.members.items():
            wire = member.serialization.get("name", name)
            if value.get(wire) is not None:  # null is the member left out
                out[name] = _from_json(member, value[wire])
        return out
    if kind == "list" and isinstance(value, list):
        return [_from_json(shape.member, v) for v in value]
    if kind == "map" and isinstance(value, dict):
        return {k: _from_json(shape.value, v) for k, v in value.items()}
    if kind == "blob" and isinstance(value, str):
        try:
            return base64.b64decode(value, validate=True)
        except ValueError:
            return Malformed(value)
    return value


# --- query ---------------------------------------------------------------------


def _query_params(request: Request) -> dict[str, str]:
    params = dict(request.query)
    content_type = request.header("content-type") or ""
    if request.body and content_type.startswith("application/x-www-form-urlencoded"):
        params.update(urllib.parse.parse_qsl(request.body.decode("utf-8"), keep_blank_values=True))
    params.pop("Action", None)
    params.pop("Version", None)
    return params


def _query(shape: Shape, params: dict[str, str], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, member in shape.members.items():
        key = member.serialization.get("name", name)
        full = f"{prefix}.{key}" if prefix else key
        if _query_present(params, full):
            out[name] = _query_value(member, params, full)
    return out


def _query_present(params: dict[str, str], key: str) -> bool:
    return key in params or any(k.startswith(key + ".") for k in params)


def _query_value(shape: Shape, params: dict[str, str], key: str) -> Any:
    kind = shape.type_name
    if kind == "structure":
        return _query(shape, params, key)
    if kind == "list":
        if params.get(key) == "":
            return []
        if shape.serialization.get("flattened"):
            element_prefix = key
            if shape.member.serialization.get("name"):
                element_prefix = ".".join(key.split(".")[:-1] + [shape.member.serialization["name"]])
        else:
            element_prefix = f"{key}.{shape.member.serialization.get('name', 'member')}"
        return [_query_value(shape.member, params, f"{element_prefix}.{i}") for i in _indexes(params, element_prefix)]
    if kind == "map":
        entry = key if shape.serialization.get("flattened") else f"{key}.entry"
        key_name = shape.key.serialization.get("name", "key")
        value_name = shape.value.serialization.get("name", "value")
        return {
            params.get(f"{entry}.{i}.{key_name}", ""): _query_value(shape.value, params, f"{entry}.{i}.{value_name}")
            for i in _indexes(params, entry)
        }
    return scalar(shape, params.get(key, ""))


def _indexes(params: dict[str, str], prefix: str) -> list[int]:
    found = {int(m.group(1)) for k in params if (m := re.match(re.escape(prefix) + r"\.(\d+)(?:\.|$)", k))}
    return sorted(found)


# --- rest ----------------------------------------------------------------------


def _rest(target: Target, shape: Shape, request: Request) -> dict[str, Any]:
    out: dict[str, Any] = {}
    claimed_query = {m.serialization.get("name", n) for n, m in shape.members.items() if m.serialization.get("location") == "querystring"}
    body_members: dict[str, Shape] = {}
    for name, member in shape.members.items():
        location = member.serialization.get("location")
        wire = member.serialization.get("name", name)
        if location == "uri":
            if wire in target.labels:
                out[name] = scalar(member, target.labels[wire])
        elif location == "querystring":
            value = _rest_query(member, wire, request, claimed_query)
            if value is not None:
                out[name] = value
        elif location == "header":
            raw = request.header(wire)
            if raw is not None:
                out[name] = _header_value(member, raw)
        elif location == "headers":
            prefix = wire.lower()
            found = {k[len(prefix) :]: v for k, v in request.headers.items() if k.startswith(prefix)}
            if found:
                out[name] = found
        elif location is None:
            body_members[name] = member
    payload = shape.serialization.get("payload")
    if payload is not None:
        value = _payload(target, shape.members[payload], request)
        if value is not None:
            out[payload] = value
    elif body_members and request.body:
        parsed = _rest_body(target, shape, request.body)
        if not isinstance(parsed, dict):
            raise BodyError("the body is not a JSON object")
        out.update({k: v for k, v in parsed.items() if k in body_members})
    return out


def _rest_query(member: Shape, wire: str, request: Request, claimed: set[str]) -> Any:
    if member.type_name == "map":
        rest = {k: v for k, v in request.query if k not in claimed}
        return rest or None
    values = request.query_values(wire)
    if not values:
        return None
    if member.type_name == "list":
        return [scalar(member.member, v) for v in values]
    return scalar(member, values[0])


def _header_value(member: Shape, raw: str) -> Any:
    if member.type_name == "list":
        return [scalar(member.member, v.strip()) for v in raw.split(",")]
    if member.serialization.get("jsonvalue"):
        return raw  # base64-encoded JSON; its content is not modelled
    return scalar(member, raw)


def _payload(target: Target, member: Shape, request: Request) -> Any:
    if member.type_name in ("blob", "string"):
        length = request.header("x-amz-decoded-content-length") or request.header("content-length")
        return Payload(int(length)) if length and length.isdigit() else None
    if not request.body:
        return None
    if target.protocol == "rest-json":
        return _from_json(member, _json_body(request.body))
    return _xml_value(member, _xml_root(request.body))


def _rest_body(target: Target, shape: Shape, body: bytes) -> Any:
    if target.protocol == "rest-json":
        return _from_json(shape, _json_body(body))
    return _xml_value(shape, _xml_root(body))


# --- xml -----------------------------------------------------------------------


def _xml_root(body: bytes) -> ElementTree.Element:
    try:
        return ElementTree.fromstring(body)
    except ElementTree.ParseError as err:
        raise BodyError(f"the body is not XML: {err}") from err


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _children(node: ElementTree.Element, name: str) -> list[ElementTree.Element]:
    return [child for child in node if _local(child.tag) == name]


def _xml_value(shape: Shape, node: ElementTree.Element) -> Any:
    kind = shape.type_name
    if kind == "structure":
        out: dict[str, Any] = {}
        for name, member in shape.members.items():
            wire = member.serialization.get("name", name)
            if member.serialization.get("xmlAttribute"):
                attribute = next((v for k, v in node.attrib.items() if _local(k) == wire), None)
                if attribute is not None:
                    out[name] = scalar(member, attribute)
                continue
            found = _children(node, wire)
            if not found:
                continue
            if member.type_name == "list" and member.serialization.get("flattened"):
                out[name] = [_xml_value(member.member, child) for child in found]
            elif member.type_name == "map" and member.serialization.get("flattened"):
                out[name] = _xml_map(member, found)
            else:
                out[name] = _xml_value(member, found[0])
        return out
    if kind == "list":
        element = shape.member.serialization.get("name", "member")
        return [_xml_value(shape.member, child) for child in _children(node, element)]
    if kind == "map":
        return _xml_map(shape, _children(node, "entry"))
    return scalar(shape, node.text or "")


def _xml_map(shape: Shape, entries: list[ElementTree.Element]) -> dict[str, Any]:
    key_name = shape.key.serialization.get("name", "key")
    value_name = shape.value.serialization.get("name", "value")
    out: dict[str, Any] = {}
    for entry in entries:
        keys, values = _children(entry, key_name), _children(entry, value_name)
        if keys and values:
            out[keys[0].text or ""] = _xml_value(shape.value, values[0])
    return out


# --- scalars -------------------------------------------------------------------


def scalar(shape: Shape, text: str) -> Any:
    """Text from a URI, query string, header or XML element, as its member's type."""
    kind = shape.type_name
    try:
        if kind in ("integer", "long", "short", "byte"):
            return int(text)
        if kind in ("float", "double"):
            return float(text)
        if kind == "boolean":
            if text not in ("true", "false"):
                return Malformed(text)
            return text == "true"
        if kind == "blob":
            return base64.b64decode(text, validate=True) if text else b""
    except ValueError:
        return Malformed(text)
    return text
