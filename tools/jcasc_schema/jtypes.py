"""Java type model across the loaded repositories: name resolution, hierarchy, implementations.

Mirrors what configuration-as-code sees through reflection, from sources: a type is found in the repository that
declares it (core or a plugin), simple names are resolved as javac would for the cases these sources use (nested
types of the class and its supertypes, single-type imports, the package, on-demand imports, java.lang/java.util).
"""

from __future__ import annotations

import re

from javasrc import split_top

JDK = {
    "String": "java.lang.String",
    "Integer": "java.lang.Integer",
    "Long": "java.lang.Long",
    "Boolean": "java.lang.Boolean",
    "Double": "java.lang.Double",
    "Float": "java.lang.Float",
    "Short": "java.lang.Short",
    "Byte": "java.lang.Byte",
    "Character": "java.lang.Character",
    "Object": "java.lang.Object",
    "Iterable": "java.lang.Iterable",
    "Enum": "java.lang.Enum",
}
COLLECTIONS = {
    "java.util.List",
    "java.util.Set",
    "java.util.Collection",
    "java.util.ArrayList",
    "java.util.LinkedList",
    "java.util.HashSet",
    "java.util.LinkedHashSet",
    "java.util.SortedSet",
    "java.util.TreeSet",
    "java.util.concurrent.CopyOnWriteArrayList",
}
MAPS = {"java.util.Map", "java.util.HashMap", "java.util.TreeMap", "java.util.LinkedHashMap", "java.util.SortedMap"}
PRIMITIVES = {"int", "long", "boolean", "double", "float", "short", "byte", "char", "void"}


def raw(text):
    """Type text without generics, annotations and wildcards: `List<? extends Foo>` -> `List`."""
    text = re.sub(r"@[\w.]+", "", text).strip()
    text = re.sub(r"^\?(extends|super)?", "", text)
    depth, out = 0, []
    for ch in text:
        if ch == "<":
            depth += 1
        elif ch == ">":
            depth -= 1
        elif depth == 0:
            out.append(ch)
    return "".join(out).strip()


def type_args(text):
    """The generic arguments of a type text, wildcards reduced to their bound."""
    start = text.find("<")
    if start < 0:
        return []
    inner = text[start + 1 : text.rfind(">")]
    args = []
    for arg in split_top(inner):
        arg = re.sub(r"@[\w.]+", "", arg).strip()
        arg = re.sub(r"^\?\s*extends", "", arg) if arg.startswith("?extends") or arg.startswith("? extends") else arg
        args.append("java.lang.Object" if arg.strip() in ("?", "?super") else arg.strip())
    return args


class _NoSymbol:
    """A descriptor known to exist whose class declares no annotation we can see."""

    @staticmethod
    def annotation(_name):
        return None


_NO_SYMBOL = _NoSymbol()


class World:
    """All loaded repositories; types are looked up by binary name in each."""

    def __init__(self, sources):
        self.sources = sources  # component -> GitSource
        self._impl_cache = {}

    def find(self, name):
        for component, src in self.sources.items():
            jt = src.find(name)
            if jt is not None:
                return component, jt
        return None, None

    def type(self, name):
        return self.find(name)[1]

    # ---- name resolution --------------------------------------------------------------------------------
    def resolve(self, text, ctx):
        """Binary name of a (raw) type text used inside type ctx, or the text itself when unknown."""
        name = raw(text)
        if name.endswith("[]"):
            return self.resolve(name[:-2], ctx) + "[]"
        if name in PRIMITIVES:
            return name
        head, _dot, tail = name.partition(".")
        if tail and head[:1].islower():
            return self._qualified(name)
        base = self._simple(head, ctx)
        if base is None:
            return name
        for part in tail.split(".") if tail else []:
            base = base + "$" + part
        return base

    def _qualified(self, name):
        parts = name.split(".")
        for i in range(len(parts), 0, -1):
            top = ".".join(parts[:i])
            if self.type(top) is not None:
                return top + "".join("$" + p for p in parts[i:])
        return name

    def _simple(self, simple, ctx, seen=None):
        seen = seen or set()
        owner = ctx
        while owner is not None:
            for nested in owner.nested:
                if nested.endswith("$" + simple):
                    return nested
            found = self._in_supertypes(simple, owner, seen)
            if found:
                return found
            owner = self.type(owner.outer) if owner.outer else None
        unit = ctx.unit
        for imp in unit.imports:
            if imp.endswith("." + simple):
                return self._qualified(imp)
        if unit.package and self.type(unit.package + "." + simple) is not None:
            return unit.package + "." + simple
        for imp in unit.imports:
            if imp.endswith(".*"):
                cand = self._qualified(imp[:-2] + "." + simple)
                if self.type(cand) is not None:
                    return cand
        if simple in JDK:
            return JDK[simple]
        for imp in unit.imports:
            if imp.endswith(".*") and imp.startswith("java."):
                return imp[:-2] + "." + simple
        if unit.package:
            return unit.package + "." + simple
        return None

    def _in_supertypes(self, simple, jt, seen):
        for sup in jt.extends + jt.implements:
            key = (jt.name, sup)
            if key in seen:
                continue
            seen.add(key)
            sup_jt = self.type(self.resolve_outer(sup, jt, seen))
            if sup_jt is None:
                continue
            for nested in sup_jt.nested:
                if nested.endswith("$" + simple):
                    return nested
            found = self._in_supertypes(simple, sup_jt, seen)
            if found:
                return found
        return None

    def resolve_outer(self, text, jt, seen):
        """Resolve a supertype name without looking into supertypes' nested types (avoids cycles)."""
        name = raw(text)
        head, _dot, tail = name.partition(".")
        if tail and head[:1].islower():
            return self._qualified(name)
        unit = jt.unit
        base = None
        owner = self.type(jt.outer) if jt.outer else None
        while owner is not None and base is None:
            base = next((n for n in owner.nested if n.endswith("$" + head)), None)
            owner = self.type(owner.outer) if owner.outer else None
        if base is None:
            base = next((self._qualified(i) for i in unit.imports if i.endswith("." + head)), None)
        if base is None and self.type(unit.package + "." + head) is not None:
            base = unit.package + "." + head
        if base is None:
            for imp in unit.imports:
                if imp.endswith(".*") and self.type(imp[:-2] + "." + head) is not None:
                    base = imp[:-2] + "." + head
                    break
        if base is None:
            return JDK.get(head, name)
        return base + "".join("$" + p for p in tail.split(".")) if tail else base

    # ---- hierarchy --------------------------------------------------------------------------------------
    def supertypes(self, jt):
        """(binary name, text as written) of the direct supertypes; java.lang.Enum for enums."""
        out = []
        for sup in jt.extends + jt.implements:
            out.append((self.resolve_outer(sup, jt, set()), sup))
        return out

    def ancestors(self, name):
        """All supertypes of a type (binary names, nearest first), including the type."""
        order, queue = [], [name]
        while queue:
            current = queue.pop(0)
            if current in order:
                continue
            order.append(current)
            jt = self.type(current)
            if jt is not None:
                queue.extend(sup for sup, _text in self.supertypes(jt))
        return order

    def is_subtype(self, name, base):
        return base in self.ancestors(name)

    def is_collection(self, name):
        return any(a in COLLECTIONS or a == "hudson.util.PersistedList" for a in self.ancestors(name))

    def element_type(self, text, ctx):
        """Element type text (and its context) of a collection type text: List<Foo>, or CloudList (by its supers)."""
        args = type_args(text)
        if args:
            return args[0], ctx
        jt = self.type(self.resolve(text, ctx))
        while jt is not None:
            for sup_name, sup_text in self.supertypes(jt):
                if type_args(sup_text):
                    return type_args(sup_text)[0], jt
            sups = self.supertypes(jt)
            jt = self.type(sups[0][0]) if sups else None
        return None, ctx

    def implementations(self, base):
        """Concrete types that extend or implement base (transitively), in every repository."""
        if base in self._impl_cache:
            return self._impl_cache[base]
        found, frontier, seen = [], [base], {base}
        while frontier:
            current = frontier.pop()
            simple = current.split(".")[-1].split("$")[-1]
            for component, src in self.sources.items():
                for path in src.grep_files(simple):
                    unit = src.unit(path)
                    for jt in unit.types.values():
                        jt.unit = unit
                        if jt.name in seen:
                            continue
                        if any(sup == current for sup, _text in self.supertypes(jt)):
                            seen.add(jt.name)
                            frontier.append(jt.name)
                            if not jt.is_abstract and jt.kind in ("class", "record"):
                                found.append((component, jt))
        self._impl_cache[base] = found
        return found

    def descriptor_of(self, jt):
        """The @Extension descriptor declared for a describable class (nested, or in the same file), or None."""
        candidates = [self.type(n) for n in jt.nested]
        candidates += [t for t in jt.unit.types.values() if t.name not in jt.nested and t is not jt]
        for cand in candidates:
            if cand is None:
                continue
            # registered by the annotation on the class, or by an @Extension factory method inside it (a descriptor
            # that exists only under a condition, e.g. oic-auth's EscapeHatch outside FIPS mode)
            factory = any(m.kind == "method" and "static" in m.modifiers and m.has("Extension") for m in cand.members)
            if not (cand.annotation("Extension") or cand.annotation("OptionalExtension") or factory):
                continue
            if cand.name in jt.nested or any(jt.simple in s for s in cand.extends):
                if any("Descriptor" in s for s in cand.extends):
                    return cand
        for member in jt.members:
            # a descriptor registered as an @Extension static field; its symbols are those of the field's class
            # (an anonymous subclass has none: @Symbol is not inherited)
            if member.kind == "field" and "static" in member.modifiers and member.has("Extension"):
                if "Descriptor" in member.type:
                    return self.type(self.resolve(member.type, jt)) or _NO_SYMBOL
        return None
