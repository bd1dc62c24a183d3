"""Java regular expressions (the `pattern` of botocore's shapes) in Python.

AWS services check a member's pattern with java.util.regex against the whole
value (a CloudFormation stack name `a_b` is refused for the pattern
`[a-zA-Z][-a-zA-Z0-9]*|arn:...`, which `a` alone would satisfy), so a pattern
is translated to the `regex` module's syntax (it has \\p{...} classes, atomic
groups and possessive quantifiers, as Java does) and matched with fullmatch.

Where Java and Python differ, the Java meaning is spelled out:
- `.` excludes Java's line terminators (\\n \\r \\u0085 \\u2028 \\u2029), not only \\n;
- `$` and `\\Z` also match before a final line terminator (\\r\\n counts as one);
- `\\d \\w \\s` and the POSIX classes (\\p{Alnum}, \\p{Print}, ...) are ASCII-only;
- `\\uD800\\uDC00` (a surrogate pair, how Java writes code points above U+FFFF)
  is that one code point; `\\u10000` is `\\u1000` then `0`, in both languages;
- `\\b` and `\\B` are word boundaries of ASCII word characters; Java before
  19 counted any letter or digit, so a value with non-ASCII text is
  Undecidable for such a pattern rather than judged by either;
- `\\17` is group 17 only if 17 groups were opened before it, else group 1
  followed by `7`, as Java reads it.
Anything whose Java meaning is not reproduced exactly (class intersections,
nested classes, scripts and blocks, inline flags other than leading (?i) and
(?s), lone surrogates, ...) raises Untranslatable: the caller leaves that pattern
unchecked rather than check it by a guess.
"""

import regex

LINE_TERMINATORS = "\\n\\r\\u0085\\u2028\\u2029"
END_OF_INPUT = f"(?:(?=(?:\\r\\n|[{LINE_TERMINATORS}])?\\Z))"

# java.util.regex shorthands, ASCII as Java has them without UNICODE_CHARACTER_CLASS.
SHORTHANDS = {"d": "0-9", "w": "a-zA-Z_0-9", "s": " \\t\\n\\x0B\\f\\r"}
POSIX = {
    "Lower": "a-z",
    "Upper": "A-Z",
    "ASCII": "\\x00-\\x7F",
    "Alpha": "a-zA-Z",
    "Digit": "0-9",
    "Alnum": "a-zA-Z0-9",
    "Punct": "!-/:-@\\[-`{-~",
    "Graph": "!-~",
    "Print": " -~",
    "Blank": " \\t",
    "Cntrl": "\\x00-\\x1F\\x7F",
    "XDigit": "0-9a-fA-F",
    "Space": " \\t\\n\\x0B\\f\\r",
}
GENERAL_CATEGORIES = set(
    "L Lu Ll Lt Lm Lo M Mn Mc Me N Nd Nl No P Pc Pd Ps Pe Pi Pf Po "
    "S Sm Sc Sk So Z Zs Zl Zp C Cc Cf Co Cs Cn LC".split()
)
SIMPLE_ESCAPES = {"t": "\\t", "n": "\\n", "r": "\\r", "f": "\\f", "a": "\\x07", "e": "\\x1B"}
# Outside a class these are special in Python and must stay escaped.
PYTHON_CLASS_SPECIAL = set("\\]^-[")


ASCII_WORD = "a-zA-Z0-9_"
WORD_BOUNDARY = f"(?:(?<=[{ASCII_WORD}])(?![{ASCII_WORD}])|(?<![{ASCII_WORD}])(?=[{ASCII_WORD}]))"
NOT_WORD_BOUNDARY = f"(?:(?<=[{ASCII_WORD}])(?=[{ASCII_WORD}])|(?<![{ASCII_WORD}])(?![{ASCII_WORD}]))"


class Untranslatable(ValueError):
    """The pattern uses Java syntax whose meaning is not reproduced here."""


class Undecidable(ValueError):
    """Java versions disagree on whether this value matches the pattern."""


class JavaPattern:
    """A Java pattern matched against a whole value, as Matcher.matches() does."""

    def __init__(self, compiled: "regex.Pattern[str]", ascii_values_only: bool):
        self.compiled = compiled
        self.ascii_values_only = ascii_values_only

    def matches(self, value: str, timeout: float | None = None) -> bool:
        if self.ascii_values_only and not value.isascii():
            raise Undecidable("\\b next to non-ASCII text means different things to Java before and since 19")
        return self.compiled.fullmatch(value, timeout=timeout) is not None


def compile_java(pattern: str) -> JavaPattern:
    """The pattern, compiled with Java's meaning."""
    flags = regex.V0
    leading = regex.match(r"\(\?([is]+)\)", pattern)
    body = pattern[leading.end() :] if leading else pattern
    modes = leading.group(1) if leading else ""
    if "i" in modes:
        # Java's (?i) folds ASCII letters only.
        flags |= regex.IGNORECASE | regex.ASCII
        if "\\p" in body or "\\P" in body:
            raise Untranslatable("(?i) with \\p{...} classes")
    translator = _Translator(body, dotall="s" in modes)
    translated = translator.translate()
    try:
        return JavaPattern(regex.compile(translated, flags), translator.word_boundaries)
    except regex.error as err:
        raise Untranslatable(f"does not compile as {translated!r}: {err}") from err


class _ClassItems:
    """What a character class holds: plain items, and complements of sets."""

    def __init__(self) -> None:
        self.items: list[str] = []
        self.complements: list[str] = []


class _Translator:
    def __init__(self, pattern: str, dotall: bool = False):
        self.p = pattern
        self.i = 0
        self.dotall = dotall
        self.groups = 0  # capturing groups opened so far, for back references
        self.word_boundaries = False

    def translate(self) -> str:
        out: list[str] = []
        while self.i < len(self.p):
            out.append(self._atom())
        return "".join(out)

    def _peek(self, offset: int = 0) -> str:
        j = self.i + offset
        return self.p[j] if j < len(self.p) else ""

    def _atom(self) -> str:
        c = self.p[self.i]
        if c == "\\":
            return self._escape_outside()
        if c == "[":
            return self._class()
        if c == ".":
            self.i += 1
            return "[\\s\\S]" if self.dotall else f"[^{LINE_TERMINATORS}]"
        if c == "$":
            self.i += 1
            return END_OF_INPUT
        if c == "(":
            return self._group_open()
        if c == "{":
            return self._quantifier_braces()
        self.i += 1
        return c

    def _group_open(self) -> str:
        rest = self.p[self.i :]
        for opener in ("(?:", "(?=", "(?!", "(?<=", "(?<!", "(?>"):
            if rest.startswith(opener):
                self.i += len(opener)
                return opener
        if rest.startswith("(?<"):
            end = rest.find(">")
            name = rest[3:end] if end > 0 else ""
            if not name.isalnum() or not name[0].isalpha():
                raise Untranslatable("malformed named group")
            self.i += end + 1
            self.groups += 1
            return f"(?P<{name}>"
        if rest.startswith("(?"):
            raise Untranslatable("inline flags inside the pattern")
        self.i += 1
        self.groups += 1
        return "("

    def _quantifier_braces(self) -> str:
        end = self.p.find("}", self.i)
        inner = self.p[self.i + 1 : end] if end > 0 else ""
        if not inner or not all(part.isdigit() for part in inner.split(",", 1) if part) or inner.startswith(","):
            raise Untranslatable("'{' that is not a quantifier")
        self.i = end + 1
        return "{" + inner + "}"

    # --- escapes ---------------------------------------------------------

    def _escape_outside(self) -> str:
        kind, value = self._escape()
        if kind == "literal":
            return value
        if kind == "set":
            return f"[{value}]"
        if kind == "complement":
            return f"[^{value}]"
        if kind == "property":
            return value
        return value  # "raw": an assertion or a back reference

    def _escape(self) -> tuple[str, str]:
        """One escape at self.i: (kind, Python text). kinds: literal (a class
        item or an atom), set / complement (class contents), property (\\p or
        \\P, valid inside and outside a class), raw (outside a class only)."""
        c = self._peek(1)
        if not c:
            raise Untranslatable("trailing backslash")
        if c in SHORTHANDS or c.lower() in SHORTHANDS:
            self.i += 2
            return ("set" if c.islower() else "complement", SHORTHANDS[c.lower()])
        if c in "pP":
            return self._property(negated=c == "P")
        if c == "u":
            return ("literal", self._code_point())
        if c == "x":
            return ("literal", self._hex())
        if c == "0":
            return ("literal", self._octal())
        if c in SIMPLE_ESCAPES:
            self.i += 2
            return ("literal", SIMPLE_ESCAPES[c])
        if c == "c":
            ctrl = self._peek(2)
            if not ctrl:
                raise Untranslatable("\\c at the end")
            self.i += 3
            return ("literal", f"\\x{ord(ctrl) ^ 64:02X}")
        if c == "Q":
            end = self.p.find("\\E", self.i + 2)
            text = self.p[self.i + 2 :] if end < 0 else self.p[self.i + 2 : end]
            self.i = len(self.p) if end < 0 else end + 2
            return ("literal", "".join(_literal(ch) for ch in text))
        if c == "A":
            self.i += 2
            return ("raw", "\\A")
        if c == "z":
            self.i += 2
            return ("raw", "\\Z")
        if c == "Z":
            self.i += 2
            return ("raw", END_OF_INPUT)
        if c in "bB":
            self.i += 2
            self.word_boundaries = True
            return ("raw", WORD_BOUNDARY if c == "b" else NOT_WORD_BOUNDARY)
        if c.isdigit():
            return ("raw", self._back_reference())
        if c.isalpha():
            raise Untranslatable(f"\\{c}")
        self.i += 2
        return ("literal", _literal(c))

    def _back_reference(self) -> str:
        # Java takes further digits while the number names a group opened before.
        j = self.i + 2
        number = int(self.p[self.i + 1])
        while j < len(self.p) and self.p[j].isdigit() and number * 10 + int(self.p[j]) <= self.groups:
            number = number * 10 + int(self.p[j])
            j += 1
        self.i = j
        return f"(?:\\g<{number}>)"

    def _property(self, negated: bool) -> tuple[str, str]:
        if self._peek(2) == "{":
            end = self.p.find("}", self.i)
            if end < 0:
                raise Untranslatable("unterminated \\p{")
            name = self.p[self.i + 3 : end]
            self.i = end + 1
        else:
            name = self._peek(2)
            self.i += 3
        if name in POSIX:
            return ("complement" if negated else "set", POSIX[name])
        category = name[2:] if name.startswith("Is") else name
        if category in GENERAL_CATEGORIES:
            return ("property", f"\\{'P' if negated else 'p'}{{{category}}}")
        raise Untranslatable(f"\\p{{{name}}}")

    def _code_point(self) -> str:
        unit = self._hex_digits(self.i + 2, 4)
        self.i += 6
        if 0xD800 <= unit <= 0xDBFF and self.p[self.i : self.i + 2] == "\\u":
            low = self._hex_digits(self.i + 2, 4)
            if 0xDC00 <= low <= 0xDFFF:
                self.i += 6
                return f"\\U{0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00):08X}"
        if 0xD800 <= unit <= 0xDFFF:
            raise Untranslatable("a lone surrogate (Java matches UTF-16 code units there)")
        return f"\\u{unit:04X}"

    def _hex(self) -> str:
        if self._peek(2) == "{":
            end = self.p.find("}", self.i)
            value = int(self.p[self.i + 3 : end], 16)
            self.i = end + 1
        else:
            value = self._hex_digits(self.i + 2, 2)
            self.i += 4
        return f"\\U{value:08X}"

    def _octal(self) -> str:
        digits = ""
        j = self.i + 2
        while j < len(self.p) and len(digits) < 3 and self.p[j] in "01234567":
            if len(digits) == 2 and digits[0] > "3":
                break
            digits += self.p[j]
            j += 1
        if not digits:
            raise Untranslatable("\\0 without octal digits")
        self.i = j
        return f"\\x{int(digits, 8):02X}"

    def _hex_digits(self, start: int, count: int) -> int:
        text = self.p[start : start + count]
        if len(text) != count or any(ch not in "0123456789abcdefABCDEF" for ch in text):
            raise Untranslatable("malformed hexadecimal escape")
        return int(text, 16)

    # --- character classes -------------------------------------------------

    def _class(self) -> str:
        self.i += 1
        negated = self._peek() == "^"
        if negated:
            self.i += 1
        if self._peek() == "]":
            raise Untranslatable("']' first in a class")
        content = _ClassItems()
        while True:
            c = self._peek()
            if not c:
                raise Untranslatable("unterminated class")
            if c == "]":
                self.i += 1
                break
            if c == "[":
                raise Untranslatable("a nested class (Java's union)")
            if c == "&" and self._peek(1) == "&":
                raise Untranslatable("class intersection (&&)")
            if c == "\\":
                kind, value = self._escape()
                if kind == "raw":
                    raise Untranslatable("an assertion inside a class")
                if kind == "complement":
                    content.complements.append(value)
                else:
                    content.items.append(value)
                continue
            self.i += 1
            # A range's '-' stays as is; any other Python-special character is escaped.
            content.items.append(c if c == "-" else _literal(c))
        return _render_class(negated, content)


def _render_class(negated: bool, content: _ClassItems) -> str:
    plain = "".join(content.items)
    if not content.complements:
        return f"[{'^' if negated else ''}{plain}]" if plain else ("[\\s\\S]" if negated else "(?!)")
    if not negated:
        # [A\S] is A or not-\s.
        alternatives = ([f"[{plain}]"] if plain else []) + [f"[^{c}]" for c in content.complements]
        return "(?:" + "|".join(alternatives) + ")"
    # [^A\S] is neither A nor not-\s: \s and not A.
    guards = (f"(?![{plain}])" if plain else "") + "".join(f"(?=[{c}])" for c in content.complements[1:])
    return f"(?:{guards}[{content.complements[0]}])"


def _literal(ch: str) -> str:
    if ch.isalnum() or ch in " _":
        return ch
    return "\\" + ch if ord(ch) < 128 else ch
