#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: jenkins_plugins
short_description: Install a pinned set of Jenkins plugins with their dependencies from an update center
version_added: 0.1.0
description:
  - Resolves a pinned plugin list against a Jenkins update center (C(update-center.json)) the way Jenkins' plugin
    installation manager tool does, and installs the result as C(<name>.jpi) files into a plugins directory,
    usually C($JENKINS_HOME/plugins). Runs on the Jenkins host; Jenkins itself is not contacted, so it works at
    image bake time before Jenkins ever starts.
  - Required dependencies are added transitively; optional dependencies are skipped. A dependency gets the update
    center's latest version (or, with O(latest_dependencies=false), the highest version its dependents require).
  - A pinned plugin older than what another plugin requires is a version conflict and fails with a message naming
    both plugins; nothing is upgraded silently.
  - With O(jenkins_version), the update center is asked for the tier that matches that core
    (C(update-center.json?version=<core>), as the plugin installation manager asks), not for the newest plugins,
    which are meant for the weekly line; and the resolved set is checked as Jenkins checks plugins at start. A
    plugin whose C(requiredCore) is newer than the core, whose required dependency is missing or too old, or whose
    optional dependency is in the set at an older version than it declares, fails the task with a message naming
    the plugin, before anything is downloaded.
  - Every download is checked against the update center's SHA-256 checksum before it replaces anything.
  - Installed versions are read from each archive's C(META-INF/MANIFEST.MF), so a rerun with the same list
    changes nothing. Plugins not in the resolved set are left alone.
  - Jenkins loads new plugin files at its next start; this module does not restart it.
author:
  - jenkins_ha.aws contributors (@jenkins-ha)
options:
  plugins:
    description:
      - The plugins to install, each with a pinned version.
    type: list
    elements: dict
    required: true
    suboptions:
      name:
        description: The plugin's short name (artifact id), for example C(ec2-fleet).
        type: str
        required: true
      version:
        description:
          - The exact version, or C(latest) for the update center's current version (not reproducible; avoid).
        type: str
        default: latest
  dest:
    description: The plugins directory (created when missing).
    type: path
    required: true
  update_center_url:
    description:
      - URL of the update center metadata (C(update-center.json), JSONP or plain JSON); plugins are downloaded
        from the C(url) of each entry unless O(download_url_template) is set.
      - With O(jenkins_version), C(version=<jenkins_version>) is added to the query (unless the URL has a
        C(version) already), so the update center answers with its tier for that core.
      - Exactly one of O(update_center_url) and O(update_center_dir) is required.
    type: str
  update_center_dir:
    description:
      - A local mirror directory (air-gapped sites) holding C(update-center.json) or C(update-center.actual.json),
        optionally C(plugin-versions.json), and the archives as C(download/plugins/<name>/<version>/<name>.hpi).
    type: path
  plugin_versions_url:
    description:
      - URL of C(plugin-versions.json), which lists older versions; needed to pin anything but the update
        center's current version. With O(update_center_dir), C(plugin-versions.json) in that directory is used.
    type: str
  download_url_template:
    description:
      - Download URL for every plugin, with C({name}) and C({version}) placeholders, for mirrors that do not keep
        the update center's URLs, for example C(https://mirror.example.com/plugins/{name}/{version}/{name}.hpi).
    type: str
  latest_dependencies:
    description: Give dependencies the update center's latest version rather than the lowest required one.
    type: bool
    default: true
  jenkins_version:
    description:
      - The Jenkins core version the plugins must run on. Selects the update center's tier for that core, and
        plugins whose C(requiredCore) is newer fail the task (with a mirror directory too).
    type: str
  validate_certs:
    description: Verify TLS certificates of the update center and downloads.
    type: bool
    default: true
  timeout:
    description: Timeout in seconds of each HTTP request.
    type: int
    default: 60
extends_documentation_fragment:
  - ansible.builtin.files
attributes:
  check_mode:
    support: full
    description: Resolves the plugin set and reports what would be installed, without downloading.
  diff_mode:
    support: full
    description: Shows installed and wanted versions of the resolved plugins.
  platform:
    platforms: posix
    support: full
    description: Runs on the Jenkins host.
notes:
  - The update center metadata is always downloaded, also in check mode, to resolve dependencies.
seealso:
  - name: Jenkins plugin installation manager tool
    description: The tool whose resolution rules this module follows.
    link: https://github.com/jenkinsci/plugin-installation-manager-tool
"""

EXAMPLES = r"""
- name: Install the controller's plugins into JENKINS_HOME
  jenkins_ha.aws.jenkins_plugins:
    dest: /var/lib/jenkins/plugins
    update_center_url: https://updates.jenkins.io/update-center.json
    jenkins_version: "2.568.2"
    plugin_versions_url: https://updates.jenkins.io/current/plugin-versions.json
    plugins:
      - name: configuration-as-code
        version: "1953.v148f87d74b_1e"
      - name: ec2-fleet
        version: "4.1.0"
    owner: jenkins
    group: jenkins
    mode: "0644"

- name: Install from an air-gapped mirror directory
  jenkins_ha.aws.jenkins_plugins:
    dest: /var/lib/jenkins/plugins
    update_center_dir: /srv/jenkins-mirror
    jenkins_version: "2.568.2"
    plugins:
      - name: ec2-fleet
        version: "4.1.0"
"""

RETURN = r"""
plugins:
  description: The resolved plugin set, top-level plugins and dependencies, with what was done to each.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: Short name.
      type: str
      sample: ec2-fleet
    version:
      description: The resolved version.
      type: str
      sample: "4.1.0"
    installed_version:
      description: The version found in O(dest) before the task, null when missing.
      type: str
      sample: "4.0.0"
    action:
      description: C(none), C(install), C(upgrade) or C(downgrade).
      type: str
      sample: install
    requested:
      description: Whether the plugin was listed in O(plugins) (false for a dependency).
      type: bool
    required_by:
      description: The C(name:version) of the resolved plugins that require this one.
      type: list
      elements: str
      sample: ["ec2-fleet:4.1.0"]
"""

import os
import shutil
import tempfile

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.common.text.converters import to_native
from ansible.module_utils.urls import fetch_url

from ansible_collections.jenkins_ha.aws.plugins.module_utils.jenkins_plugins import (
    PluginResolutionError,
    archive_version,
    parse_update_center,
    plan,
    resolve,
    sha256_file,
    update_center_url_for_core,
)


def read_text(module, url=None, path=None, required=True):
    if path is not None:
        if not os.path.isfile(path):
            if required:
                module.fail_json(msg="{0} does not exist".format(path))
            return None
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    response, info = fetch_url(module, url, timeout=module.params["timeout"])
    if info["status"] != 200:
        if not required and info["status"] == 404:
            return None
        module.fail_json(msg="cannot download {0}: HTTP {1} {2}".format(url, info["status"], info.get("msg", "")))
    return response.read().decode("utf-8")


def load_metadata(module):
    params = module.params
    plugin_versions = None
    if params["update_center_dir"]:
        directory = params["update_center_dir"]
        candidates = [os.path.join(directory, n) for n in ("update-center.actual.json", "update-center.json")]
        existing = [c for c in candidates if os.path.isfile(c)]
        if not existing:
            module.fail_json(msg="{0} holds no update-center.json".format(directory))
        update_center = parse_update_center(read_text(module, path=existing[0]))
        versions_text = read_text(module, path=os.path.join(directory, "plugin-versions.json"), required=False)
    else:
        url = update_center_url_for_core(params["update_center_url"], params["jenkins_version"])
        update_center = parse_update_center(read_text(module, url=url))
        versions_text = None
        if params["plugin_versions_url"]:
            versions_text = read_text(module, url=params["plugin_versions_url"])
    if versions_text:
        plugin_versions = parse_update_center(versions_text)
    return update_center, plugin_versions


def installed_versions(dest, names):
    installed = {}
    for name in names:
        for ext in ("jpi", "hpi"):
            path = os.path.join(dest, "{0}.{1}".format(name, ext))
            if os.path.exists(path):
                installed[name] = archive_version(path) or "unreadable"
                break
    return installed


def download(module, plugin, dest):
    """Fetch one plugin into a temporary file in dest, check its checksum, return the path."""
    params = module.params
    name, version = plugin["name"], plugin["version"]
    fd, tmp = tempfile.mkstemp(prefix=".{0}.".format(name), suffix=".tmp", dir=dest)
    try:
        with os.fdopen(fd, "wb") as out:
            if params["update_center_dir"]:
                source = os.path.join(params["update_center_dir"], "download", "plugins", name, version, name + ".hpi")
                if not os.path.isfile(source):
                    raise PluginResolutionError("the mirror has no {0}".format(source))
                with open(source, "rb") as handle:
                    shutil.copyfileobj(handle, out)
            else:
                url = plugin["url"]
                if params["download_url_template"]:
                    url = params["download_url_template"].format(name=name, version=version)
                if not url:
                    raise PluginResolutionError("the update center gives no download URL for {0}".format(name))
                response, info = fetch_url(module, url, timeout=params["timeout"])
                if info["status"] != 200:
                    raise PluginResolutionError(
                        "cannot download {0}: HTTP {1} {2}".format(url, info["status"], info.get("msg", ""))
                    )
                shutil.copyfileobj(response, out)
        if plugin["sha256"]:
            actual = sha256_file(tmp)
            if actual != plugin["sha256"]:
                raise PluginResolutionError(
                    "checksum mismatch for {0}:{1}: expected sha256 {2}, got {3}".format(
                        name, version, plugin["sha256"], actual
                    )
                )
        if archive_version(tmp) is None:
            raise PluginResolutionError("{0}:{1} is not a readable plugin archive".format(name, version))
    except Exception:
        os.unlink(tmp)
        raise
    return tmp


def ensure_present(module):
    params = module.params
    dest = params["dest"]
    try:
        update_center, plugin_versions = load_metadata(module)
        resolved = resolve(
            params["plugins"],
            update_center,
            plugin_versions=plugin_versions,
            latest_dependencies=params["latest_dependencies"],
            core_version=params["jenkins_version"],
        )
    except PluginResolutionError as e:
        module.fail_json(msg=to_native(e))

    installed = installed_versions(dest, resolved) if os.path.isdir(dest) else {}
    actions = dict(plan(resolved, installed))
    changed = bool(actions)

    if not module.check_mode:
        if not os.path.isdir(dest):
            os.makedirs(dest, 0o755)
            changed = True
        for name in actions:
            try:
                tmp = download(module, resolved[name], dest)
            except PluginResolutionError as e:
                module.fail_json(msg=to_native(e))
            target = os.path.join(dest, name + ".jpi")
            module.atomic_move(tmp, target)
            legacy = os.path.join(dest, name + ".hpi")
            if os.path.exists(legacy):
                os.unlink(legacy)
        for name in resolved:
            target = os.path.join(dest, name + ".jpi")
            if not os.path.exists(target):
                target = os.path.join(dest, name + ".hpi")
            file_args = module.load_file_common_arguments(params, path=target)
            changed = module.set_fs_attributes_if_different(file_args, changed)

    result = []
    for name, plugin in resolved.items():
        result.append(
            dict(
                name=name,
                version=plugin["version"],
                installed_version=installed.get(name),
                action=actions.get(name, "none"),
                requested=plugin["requested"],
                required_by=plugin["required_by"],
            )
        )
    diff = dict(
        before={"plugins": {n: installed.get(n) for n in resolved if n in installed}},
        after={"plugins": {n: p["version"] for n, p in resolved.items()}},
    )
    return changed, result, diff


def main():
    argument_spec = dict(
        plugins=dict(
            type="list",
            elements="dict",
            required=True,
            options=dict(name=dict(type="str", required=True), version=dict(type="str", default="latest")),
        ),
        dest=dict(type="path", required=True),
        update_center_url=dict(type="str"),
        update_center_dir=dict(type="path"),
        plugin_versions_url=dict(type="str"),
        download_url_template=dict(type="str"),
        latest_dependencies=dict(type="bool", default=True),
        jenkins_version=dict(type="str"),
        validate_certs=dict(type="bool", default=True),
        timeout=dict(type="int", default=60),
    )
    module = AnsibleModule(
        argument_spec=argument_spec,
        mutually_exclusive=[("update_center_url", "update_center_dir")],
        required_one_of=[("update_center_url", "update_center_dir")],
        add_file_common_args=True,
        supports_check_mode=True,
    )
    changed, plugins, diff = ensure_present(module)
    module.exit_json(changed=changed, plugins=plugins, diff=diff)


if __name__ == "__main__":
    main()
