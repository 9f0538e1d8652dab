"""Walk the types reachable from the JCasC roots and produce one schema (format 1) per component."""

from __future__ import annotations

from casc import DESCRIBABLE, SCALARS, data_bound_constructor, describe, possible_names, symbols
from facts import SCALAR_TYPES, CATEGORIES, EXCLUSIONS, EXPAND_CATEGORY, EXPAND_ONLY, OVERRIDES, ROOTS, STOP
from jtypes import COLLECTIONS, MAPS, raw

GLOBAL_CONFIGURATION = "jenkins.model.GlobalConfiguration"


class Builder:
    def __init__(self, world, components):
        """components: name -> {"repository", "version", "ref"}; world.sources has the same keys."""
        self.world = world
        self.components = components
        self.types = {}  # (component, type) -> entry
        self.queue = []
        self.done = set()

    # ---- origins ----------------------------------------------------------------------------------------
    def origin(self, component, path, line, owner_component):
        """path:line, prefixed with repository@ref when the fact lives in another component's repository."""
        text = "%s:%d" % (path, line) if line else path
        if owner_component != component:
            other = self.components[owner_component]
            text = "%s@%s:%s" % (other["repository"], other["ref"], text)
        return text

    def type_origin(self, component, jt):
        owner, _ = self.world.find(jt.name)
        return self.origin(component, jt.path, jt.line, owner)

    def declaring(self, name):
        component, jt = self.world.find(name)
        return component, jt

    # ---- entries ----------------------------------------------------------------------------------------
    def entry(self, component, name, origin):
        key = (component, name)
        if key not in self.types:
            self.types[key] = {"origin": origin}
        return self.types[key]

    def enqueue(self, name, expand=True):
        if (name, expand) not in self.done:
            self.done.add((name, expand))
            self.queue.append((name, expand))

    def run(self):
        roots = {c: {} for c in self.components}
        for component, keys in ROOTS.items():
            if component not in self.components:
                continue
            src = self.world.sources[component]
            for key, (type_name, path, needle) in keys.items():
                root = {"origin": "%s:%d" % (path, src.line_of(path, needle))}
                if type_name:
                    root["type"] = type_name
                    self.enqueue(type_name)
                else:
                    root["unmodelled"] = True
                roots[component][key] = root
        self._categories(roots)
        for component, overrides in OVERRIDES.items():
            if component in self.components:
                for type_name, path, _, attributes in overrides:
                    src = self.world.sources[component]
                    entry = self.entry(component, type_name, "%s:%d" % (path, src.line_of(path, "class ")))
                    entry.setdefault("attributes", {})
                    for attr, (atype, multiple, needle) in attributes.items():
                        spec = self._scalar_or_type(atype, expand=True)
                        if multiple:
                            spec["multiple"] = True
                        spec["origin"] = "%s:%d" % (path, src.line_of(path, needle))
                        entry["attributes"][attr] = spec
        while self.queue:
            name, expand = self.queue.pop(0)
            self._type(name, expand)
        return roots

    def _categories(self, roots):
        for cls, key in CATEGORIES.items():
            jt = self.world.type(cls)
            if jt is None:
                continue
            sym = jt.annotation("Symbol")
            if sym is not None and '"%s"' % key not in sym.args:
                raise ValueError("%s: @Symbol %s, expected %s" % (cls, sym.args, key))
            roots["core"][key] = {"attributes": {}, "origin": "%s:%d" % (jt.path, jt.line)}
        for component, jt in self.world.implementations(GLOBAL_CONFIGURATION):
            if not (jt.annotation("Extension") or jt.annotation("OptionalExtension")):
                continue
            text = self.world.sources[component].show(jt.path)
            key = "unclassified"
            for cls, cat_key in CATEGORIES.items():
                simple = cls.split("$")[-1].split(".")[-1]
                if "getCategory" in text and simple + ".class" in text:
                    key = cat_key
            sym = jt.annotation("Symbol")
            names = symbols(jt) if sym else []
            if not names:
                names = [jt.simple[:1].lower() + jt.simple[1:]]
            root = roots[component].setdefault(key, {"attributes": {}})
            attr = {"type": jt.name, "origin": "%s:%d" % (jt.path, jt.line)}
            if len(names) > 1:
                attr["aliases"] = names[1:]
            root["attributes"][names[0]] = attr
            self.enqueue(jt.name, expand=names[0] in EXPAND_CATEGORY)

    def _scalar_or_type(self, name, expand):
        if name in SCALARS:
            return {"type": SCALARS[name]}
        if name in SCALAR_TYPES and SCALAR_TYPES[name][0] in self.components:
            component, path, needle = SCALAR_TYPES[name]
            self.world.sources[component].line_of(path, needle)  # fails when the converter is gone
            return {"type": "string"}
        jt = self.world.type(name)
        if jt is not None and jt.kind == "enum":
            return {"type": "enum", "values": list(jt.enum_constants)}
        self.enqueue(name, expand and name not in STOP)
        return {"type": name}

    def attribute(self, component, attr, expand):
        """JSON of one attribute, or None when configuration-as-code would not expose it."""
        world = self.world
        text, ctx = attr.type_text, attr.ctx
        multiple = False
        if raw(text).endswith("[]"):
            multiple, text = True, raw(text)[:-2]
        resolved = world.resolve(text, ctx)
        if resolved in MAPS:
            return None
        if resolved in COLLECTIONS or world.is_collection(resolved):
            multiple = True
            text, ctx = world.element_type(text, ctx)
            if text is None:
                return None
            resolved = world.resolve(text, ctx)
        jt = world.type(resolved)
        if jt is not None and jt.is_abstract and jt.kind != "enum":
            ancestors = world.ancestors(resolved)
            known = all(world.type(a) is not None or a.startswith("java.") for a in ancestors)
            if DESCRIBABLE not in ancestors and known:
                return None  # BaseConfigurator.createAttribute: abstract but not Describable
        spec = self._scalar_or_type(resolved, expand)
        if multiple:
            spec["multiple"] = True
        if attr.deprecated:
            spec["deprecated"] = True
        if attr.restricted:
            spec["restricted"] = attr.restricted
        owner, _ = world.find(attr.ctx.name)
        spec["origin"] = self.origin(component, attr.ctx.path, attr.member.line, owner)
        return spec

    def _type(self, name, expand):
        component, jt = self.declaring(name)
        if jt is None:
            return  # not in any loaded repository: referenced as unmodelled (see _finish)
        entry = self.entry(component, name, self.type_origin(component, jt))
        if not expand:
            if "attributes" not in entry and not entry.get("abstract"):
                entry["unmodelled"] = True
            return
        entry.pop("unmodelled", None)
        replaced = any(
            t == name and mode == "replace" for c in OVERRIDES if c in self.components for t, _, mode, _ in OVERRIDES[c]
        )
        if jt.is_abstract:
            entry["abstract"] = True
            for impl_component, impl in self.world.implementations(name):
                descriptor = self.world.descriptor_of(impl)
                configurable = data_bound_constructor(impl) is not None or self._overridden(impl.name)
                if descriptor is None or not configurable:
                    continue
                impl_entry = self.entry(impl_component, impl.name, self.type_origin(impl_component, impl))
                impl_entry.setdefault("names", {})[name] = possible_names(self.world, impl, name)
                self.enqueue(impl.name)
            return
        if replaced:
            return
        only = EXPAND_ONLY.get(name)
        attributes = entry.setdefault("attributes", {})
        for attr_name, attr in sorted(describe(self.world, jt, EXCLUSIONS.get(name, ())).items()):
            spec = self.attribute(component, attr, expand=only is None or attr_name in only)
            if spec is not None:
                attributes[attr_name] = spec

    def _overridden(self, name):
        return any(t == name for c in OVERRIDES if c in self.components for t, _, _, _ in OVERRIDES[c])

    def finish(self):
        """Types referenced but declared nowhere loaded become unmodelled entries of the referencing component."""
        declared = {name for _, name in self.types}
        for (component, _), entry in list(self.types.items()):
            for spec in entry.get("attributes", {}).values():
                target = spec["type"]
                if "." in target and target not in declared:
                    self.types[(component, target)] = {"origin": spec["origin"], "unmodelled": True}
                    declared.add(target)
        out = {c: {} for c in self.components}
        for (component, name), entry in sorted(self.types.items()):
            out[component][name] = entry
        return out
