"""What configuration-as-code derives from a class, following its sources at the pinned version.

References are to configuration-as-code-plugin at 2117.vc05a_0b_e6b_f4e (commit c05a0be6bf4e):
BaseConfigurator.describe (plugin/src/main/java/io/jenkins/plugins/casc/BaseConfigurator.java:61-223): public
PersistedList fields and getters, then every public one-argument `set*` method that has a `get*`/`is*` getter,
deprecated when the chosen setter is @Deprecated (:210), Maps skipped (:174), abstract non-Describable types skipped
(:274-281); DataBoundConfigurator.describe (impl/configurators/DataBoundConfigurator.java:279-298) adds the
@DataBoundConstructor parameters, which tryConstructor consumes before setters run (:226-228), so a deprecated setter
of a constructor parameter is never reached; DescribableAttribute.getSymbols
(impl/attributes/DescribableAttribute.java:44-76) and Configurator.normalize (Configurator.java:48-56) give names.
"""

from __future__ import annotations

import re

from jtypes import MAPS, raw

SCALARS = {
    "java.lang.String": "string",
    "char": "string",
    "java.lang.Character": "string",
    "int": "int",
    "java.lang.Integer": "int",
    "short": "int",
    "java.lang.Short": "int",
    "byte": "int",
    "java.lang.Byte": "int",
    "long": "long",
    "java.lang.Long": "long",
    "boolean": "boolean",
    "java.lang.Boolean": "boolean",
    "double": "double",
    "java.lang.Double": "double",
    "float": "double",
    "java.lang.Float": "double",
    "hudson.util.Secret": "secret",
}
DESCRIBABLE = "hudson.model.Describable"
PERSISTED_LIST = "hudson.util.PersistedList"


def normalize(name):
    """Configurator.normalize: all-caps names lower-cased, others uncapitalised."""
    return name.lower() if name.upper() == name else name[:1].lower() + name[1:]


def symbols(jt_descriptor):
    ann = jt_descriptor.annotation("Symbol") if jt_descriptor else None
    return re.findall(r'"([^"]*)"', ann.args) if ann else []


def possible_names(world, impl, base):
    """DescribableAttribute.getSymbols(descriptor, extensionPoint=base, target=impl)."""
    names = list(symbols(world.descriptor_of(impl)))
    ext = base.split(".")[-1].split("$")[-1]
    simple = impl.simple
    if simple.endswith(ext) and simple != ext:
        names.append(normalize(simple[: -len(ext)]))
    if simple.endswith(ext + "Impl") and simple != ext + "Impl":
        names.append(normalize(simple[: -len(ext + "Impl")]))
    names.append(normalize(simple))
    return list(dict.fromkeys(names))


class Attr:
    def __init__(self, name, type_text, ctx, member, deprecated=False, restricted=None):
        self.name = name
        self.type_text = type_text
        self.ctx = ctx  # JavaType in whose source the type text is written
        self.member = member
        self.deprecated = deprecated
        self.restricted = restricted


def _public_methods(world, jt):
    """Class.getMethods(): public methods of the type and its supertypes, most derived first per signature."""
    seen, out = set(), []
    for name in world.ancestors(jt.name):
        owner = world.type(name)
        if owner is None:
            continue
        for m in owner.members:
            if m.kind != "method" or "public" not in m.modifiers or "static" in m.modifiers:
                continue
            key = (m.name, tuple(raw(p.type) for p in m.params))
            if key not in seen:
                seen.add(key)
                out.append((m, owner))
    return out


def data_bound_constructor(jt):
    for m in jt.members:
        if m.kind == "constructor" and m.has("DataBoundConstructor"):
            return m
    return None


def describe(world, jt, exclusions=()):
    """The attributes configuration-as-code finds on a type, by name (setter-derived ones win over fields)."""
    attrs = {}
    for name in world.ancestors(jt.name):
        owner = world.type(name)
        for m in owner.members if owner else ():
            if m.kind == "field" and "public" in m.modifiers and "static" not in m.modifiers:
                if m.name in exclusions or "transient" in m.modifiers:
                    continue
                if world.is_subtype(world.resolve(m.type, owner), PERSISTED_LIST):
                    attrs.setdefault(m.name, Attr(m.name, m.type, owner, m))
    methods = _public_methods(world, jt)
    getters = {}
    for m, owner in methods:
        if m.params:
            continue
        if m.name.startswith("get") and len(m.name) > 3:
            getters.setdefault(m.name[3:], (m, owner))
            resolved = world.resolve(m.type, owner)
            name = m.name[3].lower() + m.name[4:]
            if name not in exclusions and world.is_subtype(resolved, PERSISTED_LIST):
                attrs.setdefault(name, Attr(name, m.type, owner, m, m.has("Deprecated"), _restriction(m)))
        elif m.name.startswith("is") and raw(m.type) in ("boolean", "Boolean"):
            getters.setdefault(m.name[2:], (m, owner))
    setters = {}
    for m, owner in methods:
        if len(m.params) == 1 and m.name.startswith("set") and len(m.name) > 3:
            setters.setdefault(m.name[3:], []).append((m, owner))
    for suffix, candidates in setters.items():
        name = suffix[:1].lower() + suffix[1:]
        if name in exclusions or suffix not in getters:
            continue
        getter, getter_owner = getters[suffix]
        getter_raw = world.resolve(getter.type, getter_owner)
        best = _best_setter(world, candidates, getter_raw)
        m, owner = best
        ptext = m.params[0].type
        if world.resolve(ptext, owner) in MAPS:
            continue
        if "<" not in ptext and world.is_collection(world.resolve(ptext, owner)) and "<" in getter.type:
            ptext, owner = getter.type, getter_owner  # an untyped collection setter takes the getter's element type
        attrs[name] = Attr(name, ptext, owner, m, m.has("Deprecated"), _restriction(m))
    ctor = data_bound_constructor(jt)
    for p in ctor.params if ctor else ():
        if p.name in attrs:
            attrs[p.name].deprecated = False  # consumed by the constructor before any setter runs
            attrs[p.name].ctor_param = p
        else:
            attrs[p.name] = Attr(p.name, p.type, jt, ctor)
    return attrs


def _restriction(m):
    for a in m.annotations:
        if a.name.split(".")[-1] == "Restricted":
            return a.args.replace(".class", "")
    return None


def _best_setter(world, candidates, getter_raw):
    """BaseConfigurator.resolveBestSetter, reduced to what sources show: same type as the getter first."""
    if len(candidates) == 1:
        return candidates[0]
    for m, owner in candidates:
        if world.resolve(m.params[0].type, owner) == getter_raw:
            return m, owner
    arrays = [c for c in candidates if c[0].params[0].type.endswith("[]")]
    return (arrays or candidates)[0]
