"""Walk the types reachable from the JCasC roots and produce one schema (format 1) per component."""

from __future__ import annotations

import categories
from casc import DESCRIBABLE, SCALARS, data_bound_constructor, describe, possible_names
from categories import DESCRIPTOR
from facts import SCALAR_TYPES, EXCLUSIONS, EXPAND_CATEGORY, EXPAND_ONLY, OVERRIDES, ROOTS, STOP
from jtypes import COLLECTIONS, MAPS, raw


class Builder:
    def __init__(self, world, components):
        """components: name -> {"repository", "version", "ref"}; world.sources has the same keys."""
        self.world = world
        self.components = components
        self.types = {}  # (component, type) -> entry
        self.queue = []
        self.done = set()
        self.root_types = set()  # configured by a root configurator through reflection (BaseConfigurator)

    # ---- origins ----------------------------------------------------------------------------------------
    def origin(self, component, path, line, owner_component):
        """path:line, prefixed with repository@ref when the fact lives in another component's repository."""
        text = "%s:%d" % (path, line) if line else path
        if owner_component != component:
            other = self.components[owner_component]
            text = "%s@%s:%s" % (other["repository"], other["ref"], text)
        return text

    def type_origin(self, component, jt):
        owner = self.world.find(jt.name)[0]
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
                    self.root_types.add(type_name)
                    self.enqueue(type_name)
                else:
                    root["unmodelled"] = True
                roots[component][key] = root
        self._categories(roots)
        for component, overrides in OVERRIDES.items():
            if component in self.components:
                for type_name, path, _mode, attributes in overrides:
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
        found = categories.category_roots(self.world)
        for cls, (component, jt, key) in found.items():
            roots[component][key] = {"attributes": {}, "origin": "%s:%d" % (jt.path, jt.line)}
        keys = {cls: found[cls][2] for cls in found}
        for component, descriptor, describable in categories.descriptors(self.world):
            key = categories.category_of(self.world, descriptor, keys)
            names = categories.names_of(self.world, descriptor, describable)
            root = roots[component].setdefault(key, {"attributes": {}})
            if names[0] in root["attributes"]:
                continue  # the first descriptor of a name wins, as the first matching configurator does
            attr = {"type": descriptor.name, "origin": "%s:%d" % (descriptor.path, descriptor.line)}
            if len(names) > 1:
                attr["aliases"] = names[1:]
            root["attributes"][names[0]] = attr
            self.enqueue(descriptor.name, expand=names[0] in EXPAND_CATEGORY)

    def _scalar_or_type(self, name, expand):
        if name in SCALARS:
            return {"type": SCALARS[name]}
        if name in SCALAR_TYPES and SCALAR_TYPES[name][0] in self.components:
            component, path, needle, kind = SCALAR_TYPES[name]
            self.world.sources[component].line_of(path, needle)  # fails when the converter is gone
            return {"type": kind}
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
        owner = world.find(attr.ctx.name)[0]
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
            t == name and mode == "replace"
            for c in OVERRIDES
            if c in self.components
            for t, _path, mode, _attrs in OVERRIDES[c]
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
        reflective = name in self.root_types or self._overridden(name) or self.world.is_subtype(name, DESCRIPTOR)
        if data_bound_constructor(jt) is None and not reflective:
            # neither DataBound nor a descriptor: configured by a dedicated configurator or a Stapler converter we do
            # not see (DefaultConfiguratorRegistry.internalLookup order), so its content is not checked
            if not entry.get("attributes"):
                entry.pop("attributes", None)
                entry["unmodelled"] = True
            return
        only = EXPAND_ONLY.get(name)
        attributes = entry.setdefault("attributes", {})
        for attr_name, attr in sorted(describe(self.world, jt, EXCLUSIONS.get(name, ())).items()):
            spec = self.attribute(component, attr, expand=only is None or attr_name in only)
            if spec is not None:
                attributes[attr_name] = spec

    def _overridden(self, name):
        return any(t == name for c in OVERRIDES if c in self.components for t, _path, _mode, _attrs in OVERRIDES[c])

    def finish(self):
        """Types referenced but declared nowhere loaded become unmodelled entries of the referencing component."""
        declared = {name for _component, name in self.types}
        for (component, _name), entry in list(self.types.items()):
            for spec in entry.get("attributes", {}).values():
                target = spec["type"]
                if "." in target and target not in declared:
                    self.types[(component, target)] = {"origin": spec["origin"], "unmodelled": True}
                    declared.add(target)
        out = {c: {} for c in self.components}
        for (component, name), entry in sorted(self.types.items()):
            out[component][name] = entry
        return out
