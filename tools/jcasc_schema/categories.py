"""Attributes of the category roots (unclassified, security, tool, appearance).

GlobalConfigurationCategoryConfigurator.describe (configuration-as-code impl/configurators/
GlobalConfigurationCategoryConfigurator.java:85-94) lists every descriptor whose getCategory() is the category and
whose getGlobalConfigPage() is not null, each named by DescriptorConfigurator.resolvePossibleNames
(impl/configurators/DescriptorConfigurator.java): its @Symbol values, else the describable's simple name with a lower
first letter plus, when it differs, the same of the descriptor's type parameter. A GlobalConfiguration's page is its
config page; any other descriptor has one when a global.jelly/global.groovy sits under its describable class or a
superclass (hudson.model.Descriptor.getGlobalConfigPage and getViewPage, core Descriptor.java:893-936 at 2.541.3).
"""

from __future__ import annotations

import re

from casc import symbols
from jtypes import raw, type_args

GLOBAL_CONFIGURATION = "jenkins.model.GlobalConfiguration"
DESCRIPTOR = "hudson.model.Descriptor"
CATEGORY = "jenkins.model.GlobalConfigurationCategory"


def _lower_first(name):
    return name[:1].lower() + name[1:]


def category_roots(world):
    """GlobalConfigurationCategory class -> (component, type, root key): one root per category extension
    (RootElementConfigurator.java:28-30), named by @Symbol or by the simple name without Global, Configuration and
    Category, lower-cased (GlobalConfigurationCategoryConfigurator.getNames, :54-66)."""
    out = {}
    for component, jt in world.implementations(CATEGORY):
        if not jt.annotation("Extension"):
            continue
        found = symbols(jt)
        key = found[0] if found else re.sub("Global|Configuration|Category", "", jt.simple).lower()
        out[jt.name] = (component, jt, key)
    return out


def category_of(world, descriptor, categories):
    """The root key of the category a descriptor's getCategory() (or a superclass's) returns; unclassified else.
    categories: class -> root key."""
    for name in world.ancestors(descriptor.name):
        jt = world.type(name)
        if jt is None or not any(m.kind == "method" and m.name == "getCategory" for m in jt.members):
            continue
        component, src_jt = world.find(name)
        text = world.sources[component].show(src_jt.path)
        for cls, key in categories.items():
            if re.search(r"\b%s\.class" % re.escape(cls.split("$")[-1].split(".")[-1]), text):
                return key
    return "unclassified"


def _type_parameter(world, descriptor):
    """Simple name of the first type argument of the nearest parameterised Descriptor superclass."""
    current = descriptor
    while current is not None:
        for text in current.extends:
            args = type_args(text)
            if args and world.is_subtype(world.resolve(raw(text), current), DESCRIPTOR):
                return raw(args[0]).rsplit(".", maxsplit=1)[-1]
        sups = [sup for sup, _text in world.supertypes(current)]
        current = world.type(sups[0]) if sups else None
    return None


def names_of(world, descriptor, describable):
    found = symbols(descriptor)
    if found:
        return found
    fallback = _lower_first(describable.simple)
    derived = _type_parameter(world, descriptor)
    derived = _lower_first(derived) if derived else None
    return [fallback] + ([derived] if derived and derived != fallback else [])


def _page_classes(src):
    """Classes with a global.jelly/global.groovy resource in a repository (binary names)."""
    out = set()
    for root in src.roots:
        resources = root[: -len("java")] + "resources"
        for path in src.resource_files(resources):
            if path.rsplit("/", 1)[-1] in ("global.jelly", "global.groovy"):
                out.add(path[len(resources) + 1 :].rsplit("/", 1)[0].replace("/", "."))
    return out


def descriptors(world):
    """(component, descriptor type, describable type) of every descriptor with a global configuration page."""
    found = []
    for component, jt in world.implementations(GLOBAL_CONFIGURATION):
        if jt.annotation("Extension") or jt.annotation("OptionalExtension"):
            found.append((component, jt, jt))
    for component, src in world.sources.items():
        for dotted in sorted(_page_classes(src)):
            owner = _by_dotted(world, dotted)
            if owner is None:
                continue
            candidates = [(component, owner)] + list(world.implementations(owner.name))
            for impl_component, describable in candidates:
                descriptor = world.descriptor_of(describable)
                if descriptor is not None and hasattr(descriptor, "name"):
                    found.append((impl_component, descriptor, describable))
    return found


def _by_dotted(world, dotted):
    """A type from a resource path (nested classes are directories too)."""
    parts = dotted.split(".")
    for i in range(len(parts), 0, -1):
        jt = world.type(".".join(parts[:i]) + "".join("$" + p for p in parts[i:]))
        if jt is not None:
            return jt
    return None
