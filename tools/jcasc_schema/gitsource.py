"""Read Java sources, poms and tags out of a git directory (bare, as `fetch` leaves it, or a work tree's .git)."""

from __future__ import annotations

import re
import subprocess
import xml.etree.ElementTree as ET

from javasrc import parse

_POM_NS = {"m": "http://maven.apache.org/POM/4.0.0"}
# groupIds whose artifacts are Jenkins plugins (a library dependency is not a plugin requirement)
_PLUGIN_GROUPS = ("org.jenkins-ci.plugins", "io.jenkins.plugins", "io.jenkins", "org.jenkins-ci.modules")


class GitSource:
    """One repository at one ref; Java files under `roots` are parsed on demand."""

    def __init__(self, gitdir, ref, roots):
        self.gitdir = gitdir
        self.ref = ref
        self.commit = self._git("rev-parse", ref + "^{commit}").strip()
        self.roots = roots
        self._units = {}
        self.files = {}  # top-level binary name -> path
        listing = self._git("ls-tree", "-r", "--name-only", self.commit, "--", *roots)
        for path in listing.splitlines():
            for root in roots:
                if path.startswith(root + "/") and path.endswith(".java"):
                    self.files[path[len(root) + 1 : -5].replace("/", ".")] = path

    def resource_files(self, root):
        return self._git("ls-tree", "-r", "--name-only", self.commit, "--", root).splitlines()

    def _git(self, *args):
        return subprocess.run(
            ["git", "-C", self.gitdir, *args], check=True, capture_output=True, text=True, errors="replace"
        ).stdout

    def show(self, path):
        return self._git("show", "%s:%s" % (self.commit, path))

    def unit(self, path):
        if path not in self._units:
            self._units[path] = parse(path, self.show(path))
        return self._units[path]

    def find(self, name):
        """The JavaType of a binary name (pkg.Outer$Inner) declared in this repository, or None."""
        top = name.split("$")[0]
        path = self.files.get(top)
        if path is None:
            return None
        jt = self.unit(path).types.get(name)
        if jt is not None:
            jt.unit = self.unit(path)
        return jt

    def grep_files(self, word):
        """Paths of Java files that mention word (a cheap filter before parsing)."""
        res = subprocess.run(
            ["git", "-C", self.gitdir, "grep", "-l", "-w", "-F", word, self.commit, "--", *self.roots],
            capture_output=True,
            text=True,
            check=False,
        )
        return [line.split(":", 1)[1] for line in res.stdout.splitlines() if line.endswith(".java")]

    def line_of(self, path, needle):
        """1-based line of the first occurrence of needle in path; fails loudly when the source changed."""
        for number, line in enumerate(self.show(path).splitlines(), 1):
            if needle in line:
                return number
        raise LookupError("%s not found in %s at %s" % (needle, path, self.ref))

    def pom(self, path="pom.xml"):
        return Pom(self.show(path))


class Pom:
    def __init__(self, text):
        self.root = ET.fromstring(text)
        self.props = {}
        for prop in self.root.findall("m:properties/*", _POM_NS):
            self.props[prop.tag.split("}")[1]] = (prop.text or "").strip()
        self.props.setdefault("project.artifactId", self._text("m:artifactId"))

    def _text(self, xpath, node=None):
        found = (node if node is not None else self.root).find(xpath, _POM_NS)
        return found.text.strip() if found is not None and found.text else None

    def expand(self, value):
        for _round in range(5):
            value = re.sub(r"\$\{([^}]+)\}", lambda m: self.props.get(m.group(1), m.group(0)), value)
        return value

    @property
    def jenkins_version(self):
        return self.expand(self.props.get("jenkins.version", ""))

    def plugin_dependencies(self, optional=False):
        """Plugin dependencies (non-test), required ones or (optional=True) the optional ones: artifactId -> version or
        None (BOM-managed). Core checks both at start: an installed optional dependency older than its minimum stops
        the plugin too (PluginWrapper.resolvePluginDependencies)."""
        deps = {}
        for dep in self.root.findall("m:dependencies/m:dependency", _POM_NS):
            group = self._text("m:groupId", dep) or ""
            scope = self._text("m:scope", dep) or "compile"
            is_optional = (self._text("m:optional", dep) or "false") == "true"
            if is_optional != optional or scope in ("test", "provided") or not group.startswith(_PLUGIN_GROUPS):
                continue
            version = self._text("m:version", dep)
            deps[self.expand(self._text("m:artifactId", dep))] = self.expand(version) if version else None
        return deps

    def bom(self):
        for dep in self.root.findall("m:dependencyManagement/m:dependencies/m:dependency", _POM_NS):
            if (self._text("m:groupId", dep) or "") == "io.jenkins.tools.bom":
                return "%s %s" % (self.expand(self._text("m:artifactId", dep)), self._text("m:version", dep))
        return None
