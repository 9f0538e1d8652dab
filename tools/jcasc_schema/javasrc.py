"""A lightweight parser for the parts of Java sources JCasC looks at through reflection.

Not a Java parser: it finds type declarations, their supertypes, annotations, constructors, methods and fields,
with line numbers, which is what a configurator sees (names, parameter types, @DataBoundConstructor,
@DataBoundSetter, @Symbol, @Deprecated, abstract, enum constants). Method bodies and initialisers are skipped by
brace matching after comments and string literals are masked (strings are kept in a side table so annotation
values such as @Symbol("standard") survive).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_MODIFIERS = {
    "public",
    "protected",
    "private",
    "static",
    "final",
    "abstract",
    "synchronized",
    "native",
    "transient",
    "volatile",
    "strictfp",
    "default",
    "sealed",
    "non-sealed",
}
_TYPE_KW = re.compile(r"\b(class|interface|enum|record|@interface)\s+([A-Za-z_]\w*)")


@dataclass
class Annotation:
    name: str  # simple or qualified name as written
    args: str  # raw text inside the parentheses, strings restored


@dataclass
class Param:
    name: str
    type: str  # as written, generics kept, varargs as []
    annotations: list


@dataclass
class Member:
    kind: str  # "method", "constructor" or "field"
    name: str
    line: int
    modifiers: set
    annotations: list
    type: str = ""  # return type of a method, type of a field
    params: list = field(default_factory=list)

    def has(self, annotation):
        return any(a.name.split(".")[-1] == annotation for a in self.annotations)


@dataclass
class JavaType:
    name: str  # binary name: pkg.Outer$Inner
    simple: str
    kind: str  # class, interface, enum, record, @interface
    line: int
    modifiers: set
    annotations: list
    extends: list  # as written
    implements: list
    members: list = field(default_factory=list)
    enum_constants: list = field(default_factory=list)
    nested: list = field(default_factory=list)  # binary names
    outer: str | None = None
    path: str = ""
    unit: "CompilationUnit | None" = None

    def annotation(self, name):
        for a in self.annotations:
            if a.name.split(".")[-1] == name:
                return a
        return None

    @property
    def is_abstract(self):
        return self.kind == "interface" or "abstract" in self.modifiers


@dataclass
class CompilationUnit:
    path: str
    package: str
    imports: list  # fully qualified names, or "pkg.*"
    types: dict  # binary name -> JavaType


def _mask(src):
    """Comments and literals become spaces (newlines kept); string literals become "\0<n>\0" placeholders."""
    out = []
    strings = []
    i, n = 0, len(src)
    while i < n:
        c = src[i]
        if src.startswith("//", i):
            j = src.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif src.startswith("/*", i):
            j = src.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", src[i:j]))
            i = j
        elif src.startswith('"""', i):
            j = src.find('"""', i + 3)
            j = n if j < 0 else j + 3
            strings.append(src[i + 3 : j - 3])
            out.append('"\0%d\0"' % (len(strings) - 1) + "\n" * src[i:j].count("\n"))
            i = j
        elif c in "\"'":
            j = i + 1
            while j < n and src[j] != c:
                j += 2 if src[j] == "\\" else 1
            if c == '"':
                strings.append(src[i + 1 : j])
                out.append('"\0%d\0"' % (len(strings) - 1))
            else:
                out.append(" " * (j + 1 - i))
            i = j + 1
        else:
            out.append(c)
            i += 1
    return "".join(out), strings


def _restore(text, strings):
    return re.sub(r"\0(\d+)\0", lambda m: strings[int(m.group(1))], text)


def _skip_balanced(text, i, open_c, close_c):
    """Index just after the bracket closing the one at text[i]."""
    depth = 0
    while i < len(text):
        if text[i] == open_c:
            depth += 1
        elif text[i] == close_c:
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return i


def split_top(text, sep=","):
    """Split on sep outside <>, (), [] and {}."""
    parts, depth, cur = [], 0, []
    for ch in text:
        if ch in "<([{":
            depth += 1
        elif ch in ">)]}":
            depth -= 1
        if ch == sep and depth == 0:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    if "".join(cur).strip():
        parts.append("".join(cur))
    return parts


def _take_annotations(text, strings):
    """Leading annotations and modifiers of a declaration chunk; returns (annotations, modifiers, rest)."""
    annotations, modifiers = [], set()
    text = text.strip()
    while text:
        m = re.match(r"@\s*([\w.]+)\s*", text)
        if m and m.group(1) != "interface":
            rest = text[m.end() :]
            args = ""
            if rest.startswith("("):
                end = _skip_balanced(rest, 0, "(", ")")
                args = _restore(rest[1 : end - 1], strings)
                rest = rest[end:]
            annotations.append(Annotation(m.group(1), args))
            text = rest.strip()
            continue
        m = re.match(r"([a-z-]+)\b\s*", text)
        if m and m.group(1) in _MODIFIERS:
            modifiers.add(m.group(1))
            text = text[m.end() :].strip()
            continue
        break
    return annotations, modifiers, text


def _params(text, strings):
    params = []
    for raw in split_top(text):
        annotations, _modifiers, rest = _take_annotations(raw, strings)
        rest = rest.strip()
        m = re.match(r"(.*?)\s*(\.\.\.)?\s*\b([A-Za-z_]\w*)\s*(\[\s*\])*$", rest, re.S)
        if not m:
            continue
        ptype = re.sub(r"\s+", "", m.group(1))
        if m.group(2):
            ptype += "[]"
        params.append(Param(m.group(3), ptype, annotations))
    return params


class _Parser:
    def __init__(self, path, src):
        self.path = path
        self.text, self.strings = _mask(src)
        self.types = {}

    def line_of(self, pos):
        return self.text.count("\n", 0, pos) + 1

    def parse(self):
        text = self.text
        m = re.search(r"^\s*package\s+([\w.]+)\s*;", text, re.M)
        package = m.group(1) if m else ""
        imports = [re.sub(r"\s+", "", i) for i in re.findall(r"^\s*import\s+(?!static\b)([\w.\s*]+);", text, re.M)]
        start = 0
        for m in re.finditer(r"^\s*import\s[^;]*;|^\s*package\s[^;]*;", text, re.M):
            start = m.end()
        self._body(start, len(text), package, None)
        return CompilationUnit(self.path, package, imports, self.types)

    def _declare(self, header, pos, package, outer):
        """Register a type whose header text (annotations .. before '{') starts at pos."""
        annotations, modifiers, rest = _take_annotations(header, self.strings)
        m = _TYPE_KW.search(rest)
        kind, simple = m.group(1), m.group(2)
        tail = rest[m.end() :]
        tail = re.sub(r"^\s*<", "<", tail)
        if tail.startswith("<"):
            tail = tail[_skip_balanced(tail, 0, "<", ">") :]
        if kind == "record" and tail.strip().startswith("("):
            tail = tail[_skip_balanced(tail.strip(), 0, "(", ")") :]
        ext = re.search(r"\bextends\s+(.*?)(?=\bimplements\b|\bpermits\b|$)", tail, re.S)
        imp = re.search(r"\bimplements\s+(.*?)(?=\bpermits\b|$)", tail, re.S)
        name = (outer.name + "$" + simple) if outer else ((package + ".") if package else "") + simple
        if outer and outer.kind == "interface":
            modifiers |= {"static", "public"}
        jt = JavaType(
            name=name,
            simple=simple,
            kind=kind,
            line=self.line_of(pos + header.find(m.group(0))),
            modifiers=modifiers,
            annotations=annotations,
            extends=[re.sub(r"\s+", "", x) for x in split_top(ext.group(1))] if ext else [],
            implements=[re.sub(r"\s+", "", x) for x in split_top(imp.group(1))] if imp else [],
            outer=outer.name if outer else None,
            path=self.path,
        )
        self.types[name] = jt
        if outer:
            outer.nested.append(name)
        return jt

    def _body(self, i, end, package, owner):
        """Scan declarations between i and end (a type body, or the top level)."""
        text = self.text
        chunk_start = i
        if owner is not None and owner.kind == "enum":
            i = chunk_start = self._enum_constants(i, end, owner)
        paren = 0
        while i < end:
            c = text[i]
            if c == "(":
                paren += 1
            elif c == ")":
                paren -= 1
            elif c == ";" and paren == 0:
                self._member(text[chunk_start:i], chunk_start, owner, abstract=True)
                chunk_start = i + 1
            elif c == "{" and paren == 0:
                header = text[chunk_start:i]
                close = _skip_balanced(text, i, "{", "}")
                if _TYPE_KW.search(header) and "=" not in header.split("(")[0] and "(" not in header.split("{")[0][:1]:
                    jt = self._declare(header, chunk_start, package, owner)
                    self._body(i + 1, close - 1, package, jt)
                    chunk_start = i = close
                    continue
                if "=" in re.sub(r"\([^()]*\)", "", header) or "->" in header:
                    # field initialiser with a block (array, anonymous class, lambda): runs to the ';'
                    j = close
                    while j < end and text[j] != ";":
                        j = _skip_balanced(text, j, "{", "}") if text[j] == "{" else j + 1
                    self._member(text[chunk_start:j], chunk_start, owner)
                    chunk_start = i = j + 1
                    continue
                self._member(header, chunk_start, owner)
                chunk_start = i = close
                continue
            i += 1

    def _enum_constants(self, i, end, owner):
        text = self.text
        j, start = i, i
        while j < end:
            c = text[j]
            if c == "(":
                j = _skip_balanced(text, j, "(", ")")
                continue
            if c == "{":
                j = _skip_balanced(text, j, "{", "}")
                continue
            if c in ",;" or j == end - 1:
                raw = text[start:j]
                rest = _take_annotations(raw, self.strings)[2]
                m = re.match(r"([A-Za-z_]\w*)", rest.strip())
                if m:
                    owner.enum_constants.append(m.group(1))
                start = j + 1
                if c == ";":
                    return j + 1
            j += 1
        return end

    def _member(self, chunk, pos, owner, abstract=False):
        if owner is None or not chunk.strip():
            return
        annotations, modifiers, rest = _take_annotations(chunk, self.strings)
        rest = rest.strip()
        if not rest or rest.startswith("static"):
            return
        rest_start = pos + len(chunk.rstrip()) - len(rest)

        def line_at(name):
            """The line of the declared name (annotations above it are not the declaration)."""
            found = re.search(r"\b%s\b" % re.escape(name), rest)
            return self.line_of(rest_start + (found.start() if found else 0))

        if owner.kind == "interface":
            if "default" not in modifiers and "static" not in modifiers and "private" not in modifiers:
                modifiers.add("abstract" if abstract else "public")
            modifiers.add("public")
        paren = rest.find("(")
        eq = rest.find("=")
        if paren >= 0 and (eq < 0 or paren < eq):
            head = rest[:paren].strip()
            close = _skip_balanced(rest, paren, "(", ")")
            params = _params(rest[paren + 1 : close - 1], self.strings)
            if head.startswith("<"):
                head = head[_skip_balanced(head, 0, "<", ">") :].strip()
            m = re.match(r"(.*?)\s*\b([A-Za-z_]\w*)$", head, re.S)
            if not m:
                return
            rtype, name = re.sub(r"\s+", "", m.group(1)), m.group(2)
            if not rtype and name == owner.simple:
                owner.members.append(Member("constructor", name, line_at(name), modifiers, annotations, "", params))
            elif rtype:
                owner.members.append(Member("method", name, line_at(name), modifiers, annotations, rtype, params))
            return
        decl = rest.split("=")[0] if eq >= 0 else rest
        for var in split_top(decl):
            m = re.match(r"(.*?)\s*\b([A-Za-z_]\w*)\s*(\[\s*\])*\s*$", var.strip(), re.S)
            if m and m.group(1):
                ftype = re.sub(r"\s+", "", m.group(1))
                owner.members.append(Member("field", m.group(2), line_at(m.group(2)), modifiers, annotations, ftype))
            elif m and owner.members and owner.members[-1].kind == "field":
                prev = owner.members[-1]
                owner.members.append(
                    Member("field", m.group(2), line_at(m.group(2)), modifiers, annotations, prev.type)
                )


def parse(path, src):
    return _Parser(path, src).parse()


def symbol_values(annotation):
    """Values of @Symbol("a") or @Symbol({"a", "b"})."""
    return re.findall(r'"([^"]*)"', annotation.args.replace("\0", ""))
