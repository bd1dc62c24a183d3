"""A request's input checked against its botocore shape, as AWS's request
validation does before an operation runs, with its wording:

    Value 'a_b' at 'endpointName' failed to satisfy constraint: Member must
    satisfy regular expression pattern: ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}

Members are named by their member name with a lower-case first letter, list
elements as `productionVariants.1.member.instanceType`; scalar list
elements and map keys and values are reported once for the collection
("Member must satisfy constraint: [...]", "Map keys must satisfy
constraint: [...]", "Map value must satisfy constraint: [...]"). Values are
shown as Java prints them (lists `[a, b]`, maps `{k=v}`, blobs as a
ByteBuffer); a sensitive member's value is left out ("Value at 'x' ...").

A value of the wrong type (a string where the model has an integer) is
found first and separately: AWS's deserializer refuses the request before
validation runs.
"""

import sys
import threading
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from botocore.model import Shape
from contract_parse import Malformed, Payload
from java_regex import Undecidable, Untranslatable, compile_java

PATTERN_TIMEOUT_SECONDS = 2.0
NUMBER_KINDS = ("integer", "long", "short", "byte", "float", "double")


@dataclass(frozen=True)
class Violation:
    """One constraint a member's value breaks."""

    path: str
    top_member: str  # the input member it is under (S3 names its wire name)
    value: str | None  # as AWS prints it; None for a missing member
    sensitive: bool
    constraint: str

    def message(self) -> str:
        if self.value is None:
            shown = "Value null"
        elif self.sensitive:
            shown = "Value"
        else:
            shown = f"Value '{self.value}'"
        return f"{shown} at '{self.path}' failed to satisfy constraint: {self.constraint}"


@dataclass(frozen=True)
class WrongType:
    """A value AWS's deserializer cannot read as its member's type."""

    path: str
    top_member: str
    message: str


@dataclass
class Findings:
    violations: list[Violation] = field(default_factory=list)
    wrong_types: list[WrongType] = field(default_factory=list)
    # (pattern, why it was not checked) for each pattern left unchecked here
    unchecked_patterns: list[tuple[str, str]] = field(default_factory=list)


_patterns: dict[str, Any] = {}
_patterns_lock = threading.Lock()


def validate(shape: Shape | None, value: dict[str, Any], path_prefix: str = "") -> Findings:
    findings = Findings()
    if shape is not None:
        _Walk(findings, path_prefix).structure(shape, value, path_prefix.rstrip("."), top="")
    return findings


def lower_first(name: str) -> str:
    return name[:1].lower() + name[1:]


class _Walk:
    def __init__(self, findings: Findings, prefix: str):
        self.findings = findings
        self.prefix = prefix

    def structure(self, shape: Shape, value: Any, path: str, top: str) -> None:
        if not isinstance(value, dict):
            self._wrong(path, top, value, "structure")
            return
        if shape.metadata.get("document"):
            return
        for name, member in shape.members.items():
            member_path = f"{path}.{lower_first(name)}" if path else lower_first(name)
            member_top = top or name
            if name not in value:
                if name in shape.required_members:
                    self.findings.violations.append(Violation(member_path, member_top, None, False, "Member must not be null"))
                continue
            self.value(member, value[name], member_path, member_top)

    def value(self, shape: Shape, value: Any, path: str, top: str) -> None:
        kind = shape.type_name
        if value is None:
            self.findings.violations.append(Violation(path, top, None, False, "Member must not be null"))
        elif kind == "structure":
            self.structure(shape, value, path, top)
        elif kind == "list":
            self.sequence(shape, value, path, top)
        elif kind == "map":
            self.mapping(shape, value, path, top)
        else:
            failed = self.scalar(shape, value, path, top)
            sensitive = bool(shape.metadata.get("sensitive"))
            for constraint in failed:
                self.findings.violations.append(Violation(path, top, render(value), sensitive, constraint))

    def sequence(self, shape: Shape, value: Any, path: str, top: str) -> None:
        if not isinstance(value, list):
            self._wrong(path, top, value, "list")
            return
        self._collection(shape, value, path, top)
        element = shape.member
        if element.type_name in ("structure", "list", "map"):
            for i, item in enumerate(value, 1):
                self.value(element, item, f"{path}.{i}.member", top)
            return
        failed: list[str] = []
        for item in value:
            for constraint in self.scalar(element, item, path, top):
                if constraint not in failed:
                    failed.append(constraint)
        if failed:
            self._grouped(shape, value, path, top, "Member must satisfy constraint", failed)

    def mapping(self, shape: Shape, value: Any, path: str, top: str) -> None:
        if not isinstance(value, dict):
            self._wrong(path, top, value, "map")
            return
        self._collection(shape, value, path, top)
        failed_keys: list[str] = []
        failed_values: list[str] = []
        for key, item in value.items():
            failed_keys += [c for c in self.scalar(shape.key, key, path, top) if c not in failed_keys]
            if shape.value.type_name in ("structure", "list", "map"):
                self.value(shape.value, item, f"{path}.{key}", top)
            else:
                failed_values += [c for c in self.scalar(shape.value, item, path, top) if c not in failed_values]
        if failed_keys:
            self._grouped(shape, value, path, top, "Map keys must satisfy constraint", failed_keys)
        if failed_values:
            self._grouped(shape, value, path, top, "Map value must satisfy constraint", failed_values)

    def _collection(self, shape: Shape, value: Any, path: str, top: str) -> None:
        sensitive = bool(shape.metadata.get("sensitive"))
        for constraint in _length(shape, len(value)):
            self.findings.violations.append(Violation(path, top, render(value), sensitive, constraint))

    def _grouped(self, shape: Shape, value: Any, path: str, top: str, lead: str, failed: list[str]) -> None:
        sensitive = bool(shape.metadata.get("sensitive"))
        self.findings.violations.append(Violation(path, top, render(value), sensitive, f"{lead}: [{', '.join(failed)}]"))

    def scalar(self, shape: Shape, value: Any, path: str, top: str) -> list[str]:
        """The constraints a scalar breaks; a wrong type is recorded instead."""
        kind = shape.type_name
        if value is None:
            return ["Member must not be null"]
        if not _is_type(kind, value):
            self._wrong(path, top, value, kind)
            return []
        failed: list[str] = []
        metadata = shape.metadata
        if kind == "string":
            if "enum" in metadata and value not in metadata["enum"]:
                failed.append(f"Member must satisfy enum value set: [{', '.join(metadata['enum'])}]")
            failed += _length(shape, len(value))
            if "pattern" in metadata and not self._matches(metadata["pattern"], value):
                failed.append(f"Member must satisfy regular expression pattern: {metadata['pattern']}")
        elif kind == "blob":
            failed += _length(shape, value.length if isinstance(value, Payload) else len(value))
        elif kind in NUMBER_KINDS:
            if "min" in metadata and value < metadata["min"]:
                failed.append(f"Member must have value greater than or equal to {_number(metadata['min'])}")
            if "max" in metadata and value > metadata["max"]:
                failed.append(f"Member must have value less than or equal to {_number(metadata['max'])}")
        return failed

    def _matches(self, pattern: str, value: str) -> bool:
        compiled = _compiled(pattern)
        if isinstance(compiled, str):
            self.findings.unchecked_patterns.append((pattern, compiled))
            return True
        try:
            return compiled.matches(value, timeout=PATTERN_TIMEOUT_SECONDS)
        except Undecidable as err:
            self.findings.unchecked_patterns.append((pattern, f"for a value with non-ASCII text: {err}"))
            return True
        except TimeoutError:
            self.findings.unchecked_patterns.append((pattern, f"matching took over {PATTERN_TIMEOUT_SECONDS}s"))
            return True

    def _wrong(self, path: str, top: str, value: Any, expected: str) -> None:
        self.findings.wrong_types.append(WrongType(path or "(input)", top, _type_message(value, expected)))


def _compiled(pattern: str) -> Any:
    """The compiled pattern, or why it cannot be checked (logged once)."""
    with _patterns_lock:
        if pattern not in _patterns:
            try:
                _patterns[pattern] = compile_java(pattern)
            except Untranslatable as err:
                _patterns[pattern] = str(err)
                print(f"request contract: pattern {pattern!r} is not checked: {err}", file=sys.stderr, flush=True)
        return _patterns[pattern]


def _length(shape: Shape, length: int) -> list[str]:
    metadata = shape.metadata
    failed = []
    if "min" in metadata and length < metadata["min"]:
        failed.append(f"Member must have length greater than or equal to {_number(metadata['min'])}")
    if "max" in metadata and length > metadata["max"]:
        failed.append(f"Member must have length less than or equal to {_number(metadata['max'])}")
    return failed


def _is_type(kind: str, value: Any) -> bool:
    if isinstance(value, Malformed):
        return False
    if kind == "string":
        return isinstance(value, str)
    if kind == "boolean":
        return isinstance(value, bool)
    if kind in ("integer", "long", "short", "byte"):
        return isinstance(value, int) and not isinstance(value, bool)
    if kind in ("float", "double"):
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind == "blob":
        return isinstance(value, (bytes, Payload))
    if kind == "timestamp":
        return isinstance(value, (int, float, str)) and not isinstance(value, bool)
    return True


# How AWS's JSON deserializer names what it found, and what it wanted.
_TOKENS = {str: "STRING_VALUE", bool: "BOOLEAN_VALUE", int: "NUMBER_VALUE", float: "NUMBER_VALUE"}
_JAVA_TYPES = {
    "string": "a String",
    "integer": "an Integer",
    "long": "a Long",
    "short": "a Short",
    "byte": "a Byte",
    "float": "a Float",
    "double": "a Double",
    "boolean": "a Boolean",
    "blob": "a ByteBuffer",
    "timestamp": "a Date",
}


def _type_message(value: Any, expected: str) -> str:
    if isinstance(value, dict):
        return "Start of structure or map found where not expected."
    if isinstance(value, list):
        return "Start of list found where not expected."
    if expected in ("structure", "map"):
        return "Expected a structure or map."
    if expected == "list":
        return "Expected a list."
    if isinstance(value, Malformed):
        return f"Value '{value.raw}' can not be converted to {_JAVA_TYPES.get(expected, expected)}"
    token = _TOKENS.get(type(value), "VALUE")
    return f"{token} can not be converted to {_JAVA_TYPES.get(expected, expected)}"


def render(value: Any) -> str:
    """A value as Java's toString prints it in AWS's messages."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return java_double(value)
    if isinstance(value, (bytes, Payload)):
        size = value.length if isinstance(value, Payload) else len(value)
        return f"java.nio.HeapByteBuffer[pos=0 lim={size} cap={size}]"
    if isinstance(value, list):
        return "[" + ", ".join(render(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}={render(v)}" for k, v in value.items()) + "}"
    if isinstance(value, Malformed):
        return value.raw
    return str(value)


def java_double(x: float) -> str:
    """Double.toString: plain from 10^-3 up to 10^7, else d.dddE<n>."""
    if x != x or x in (float("inf"), float("-inf")):
        return {True: "NaN"}.get(x != x, "Infinity" if x > 0 else "-Infinity")
    if x == 0 or 1e-3 <= abs(x) < 1e7:
        text = repr(x)
        return text if "." in text or "e" in text else text + ".0"
    sign, digits, exponent = Decimal(repr(x)).as_tuple()
    text = "".join(map(str, digits)).rstrip("0") or "0"
    power = len(digits) + int(exponent) - 1
    return f"{'-' if sign else ''}{text[0]}.{text[1:] or '0'}E{power}"


def _number(bound: Any) -> str:
    return str(int(bound)) if float(bound).is_integer() else java_double(float(bound))
