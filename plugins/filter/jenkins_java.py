# -*- coding: utf-8 -*-
# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Whether a Jenkins core starts on a Java version: the jenkins_controller role refuses a mismatch at bake time.

Python decides (the table is plugins/module_utils/jenkins_plugins.py JAVA_BY_CORE, read from Jenkins' own
war/src/main/java/executable/Main.java at every release tag); templates and asserts only show the answer.
"""

from __future__ import annotations

from ansible.errors import AnsibleFilterError

from ansible_collections.jenkins_ha.aws.plugins.module_utils.jenkins_plugins import (
    java_core_error,
    java_major_of_package,
)


def jenkins_java_error(core_version, java):
    """'' when Jenkins `core_version` starts on `java` (a major version, or a package name such as
    openjdk-21-jre-headless or temurin-21-jre), else the reason."""
    if not core_version:
        raise AnsibleFilterError("jenkins_java_error: the Jenkins core version is empty")
    if isinstance(java, bool):
        raise AnsibleFilterError("jenkins_java_error: give a Java major version or a package name, not a boolean")
    if isinstance(java, int):
        major = java
    elif str(java).strip().isdigit():
        major = int(str(java).strip())
    else:
        major = java_major_of_package(java)
    return java_core_error(str(core_version), major) or ""


class FilterModule:
    def filters(self):
        return {"jenkins_java_error": jenkins_java_error}
