#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: packer_build
short_description: Build a Jenkins HA AMI with Packer, or reuse the one built from the same inputs
version_added: 0.1.0
description:
  - Computes an input hash (sha256) over the Packer template directory, the role directories the bake applies,
    the variables that define the image and the base AMI id, then looks for an available AMI owned by the caller
    that carries C(jenkins-ha:role=<role>) and C(jenkins-ha:input-hash=<hash>).
  - The base AMI is resolved the way the template's C(source_ami_filter) picks it (newest image named
    C(source_ami_name_patterns[base]) with C(%s) replaced by C(arch), owned by C(source_ami_owners)), from
    O(variables) and O(build_variables) over the module's defaults (Debian's account C(136693071363),
    C(debian-12-amd64-*) / C(debian-13-amd64-*)). Those three variables and the resolved id, as C(source_ami),
    are passed to Packer, so Packer bakes exactly the base image that was hashed even if a newer one appears
    before it runs. A new upstream base image therefore changes the hash and rebuilds the images on that base, and
    only those.
  - When such an AMI exists it is reused without running Packer; its C(jenkins-ha:commit) and
    C(jenkins-ha:version) tags are updated to the current values (the "retag"), and the task reports a change only
    when a tag changed.
  - Otherwise runs C(packer build -machine-readable) with every variable in a temporary var file (mode 0600, never
    on the command line), appends Packer's progress to O(log_path), and returns the AMI ids per region from
    Packer's artifact lines. A failed build fails the task with Packer's own error text.
  - Packer authenticates to AWS from its environment; the module hands it the credentials it was given
    (O(access_key), O(secret_key), O(session_token), O(profile)) through environment variables.
  - With O(stack) set, the build's temporary instance is tagged C(jenkins-ha:build-stack), C(jenkins-ha:build-role),
    C(jenkins-ha:build-id), C(jenkins-ha:build-owner) (host/pid/start time of the module) and
    C(jenkins-ha:build-deadline) (start plus O(timeout), or a day), and Packer's temporary key pair is named
    C(jenkins-ha-build-<stack>-<role>-<build id>). Before anything else the module removes what an earlier build of
    the same stack and role left when it was killed by SIGKILL (so Packer's cleanup never ran) and that is no
    longer running (its process is gone, or its deadline passed). The instances are terminated, then the key pairs
    and the security groups Packer created for them (named C(packer_<uuid>), C(Temporary group for Packer)) are
    deleted once no running instance uses them. Check mode reports what it would remove.
  - SIGTERM or SIGINT to the module is forwarded to Packer as SIGINT, on which Packer cancels the build and runs its
    own cleanup; the task then fails saying so.
author:
  - jenkins_ha.aws contributors (@jenkins-ha)
options:
  template:
    description:
      - Path of the Packer HCL2 template (a C(.pkr.hcl) file). Every file of the template's directory (for example
        the bake playbook) counts for the input hash.
    type: path
    required: true
  role:
    description: Image role; tagged as C(jenkins-ha:role) and passed to Packer as variable C(role).
    type: str
    required: true
    choices: [controller, agent]
  base:
    description: Base OS; tagged as C(jenkins-ha:base) and passed to Packer as variable C(base).
    type: str
    required: true
  role_paths:
    description:
      - Directories of the Ansible roles the bake applies. Their file names and contents count for the input
        hash (C(.git), C(__pycache__) and C(molecule) are ignored), so changing a role rebuilds only the images
        that apply it.
    type: list
    elements: path
    default: []
  collection_root:
    description:
      - Root of the collection the image carries (a working tree with C(galaxy.yml)). Every file its build would
        ship (see O(collection_ignore)) counts for the input hash, so a change to the boot playbook, the contract or
        a plugin rebuilds the images. Empty to hash only the template and O(role_paths).
    type: path
  collection_ignore:
    description:
      - C(build_ignore) patterns of the collection at O(collection_root), matched as C(ansible-galaxy collection
        build) matches them, plus any paths the bake leaves out of the image.
    type: list
    elements: str
    default: []
  variables:
    description:
      - Packer variables that define the image (for example O(kms_key_id), source AMI filters, role variables for
        the bake). They are part of the input hash; their order does not matter.
    type: dict
    default: {}
  build_variables:
    description:
      - Packer variables that only affect how or where the image is built (instance type, subnet, endpoints, the
        SSH host of a test build host). They are passed to Packer but are not part of the input hash.
    type: dict
    default: {}
  kms_key_id:
    description:
      - KMS key for the encrypted root volume; passed to Packer as variable C(kms_key_id) and part of the hash.
      - Empty uses the account's default EBS key, which cannot be shared with other accounts.
    type: str
    default: ""
  commit:
    description: Source commit the run is made from; tagged as C(jenkins-ha:commit), not part of the hash.
    type: str
    default: unknown
  version:
    description: Collection version; tagged as C(jenkins-ha:version), not part of the hash.
    type: str
    default: 0.0.0
  force:
    description: Build even when an AMI with the same input hash exists.
    type: bool
    default: false
  retag:
    description: When reusing an AMI, update its C(jenkins-ha:commit) and C(jenkins-ha:version) tags.
    type: bool
    default: true
  log_path:
    description: File Packer's progress is appended to (its directory is created, mode 0700). Nothing is logged when unset.
    type: path
  packer_path:
    description: Packer binary, a name looked up in E(PATH) or an absolute path.
    type: str
    default: packer
  environment:
    description:
      - Extra environment variables for Packer and the Ansible provisioner it runs (for example
        E(ANSIBLE_COLLECTIONS_PATH)). Not part of the input hash.
    type: dict
    default: {}
  timeout:
    description: Seconds after which a running build is killed and the task fails.
    type: int
    default: 3600
  stack:
    description:
      - Stack the image is built for. Tags the build's temporary resources so that what a killed build leaves behind
        is provably this stack's and this role's, and removes such leftovers of earlier builds (see the description).
      - Empty tags nothing and removes nothing.
    type: str
    default: ""
attributes:
  check_mode:
    description: Can run in check mode and return changed status prediction without modifying target.
    support: full
    details: Computes the hash and reports whether it would build or reuse, without running Packer or tagging.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: none
    details: Nothing to compare; the result says what was built or reused.
notes:
  - Needs Packer 1.6 or later with the built-in C(amazon-ebs) builder and C(ansible) provisioner.
  - Needs C(ec2:DescribeImages) on the base AMI's owners, also in check mode and when an image is reused.
  - With O(stack) set it also needs C(ec2:DescribeInstances), C(ec2:DescribeKeyPairs) and
    C(ec2:DescribeSecurityGroups) (also in check mode), and C(ec2:TerminateInstances), C(ec2:DeleteKeyPair) and
    C(ec2:DeleteSecurityGroup) when there are leftovers to remove.
  - A security group Packer created before a build killed within seconds of its start launched its instance is not
    tagged (Packer 1.6.6 cannot tag or name it) and is left alone; so is the group of a build instance EC2 no longer
    lists (terminated more than about an hour ago).
  - If an upstream image is published between the module's lookup and Packer's, the image is built from the newer
    base but tagged with the hash of the older one; the next run rebuilds it once.
extends_documentation_fragment:
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
"""

EXAMPLES = r"""
- name: Build the agent image on Debian 13, or reuse it when nothing changed
  jenkins_ha.aws.packer_build:
    template: "{{ playbook_dir }}/files/packer/jenkins-ha.pkr.hcl"
    role: agent
    base: debian13
    role_paths:
      - "{{ playbook_dir }}/../roles/jenkins_agent"
    kms_key_id: alias/jenkins-ha-images
    commit: "{{ lookup('ansible.builtin.pipe', 'git rev-parse HEAD') }}"
    version: 0.1.0
    log_path: /var/log/jenkins-ha/packer-agent.log
  register: agent_image

- name: Show the AMI
  ansible.builtin.debug:
    msg: "{{ agent_image.image_id }} ({{ agent_image.action }}, hash {{ agent_image.input_hash }})"

- name: Rebuild whatever the hash says
  jenkins_ha.aws.packer_build:
    template: "{{ playbook_dir }}/files/packer/jenkins-ha.pkr.hcl"
    role: controller
    base: debian12
    force: true
"""

RETURN = r"""
action:
  description: C(build) when Packer ran (or would run in check mode), C(reuse) when an existing AMI was chosen.
  returned: always
  type: str
  sample: reuse
built:
  description: Whether Packer built a new AMI in this run.
  returned: always
  type: bool
input_hash:
  description: The input hash (sha256 hex) of the image.
  returned: always
  type: str
  sample: 3b1f0c4e0d9a1c6b2f1e5e8d0c7a6b5d4c3b2a1f0e9d8c7b6a5f4e3d2c1b0a9f
base_image_id:
  description: The base AMI the source AMI filter picks now; part of the input hash.
  returned: always
  type: str
  sample: ami-0fedcba9876543210
image_id:
  description: AMI in the module's region. Absent in check mode when a build would be needed.
  returned: when an AMI was built or found
  type: str
  sample: ami-0123456789abcdef0
amis:
  description: AMI ids per region (more than one when the template copies the image to other regions).
  returned: when an AMI was built or found
  type: dict
  sample: {"us-east-1": "ami-0123456789abcdef0"}
tags:
  description: Tags of the AMI after the run.
  returned: when an AMI was built or found
  type: dict
manifest:
  description:
    - What the image runs, as the bake recorded it (for the controller C(jenkins) core version, C(java) major and
      C(plugins), every plugin with its resolved version); V({}) when the bake left none.
    - The bake writes it, as a JSON object, to the file named by E(JENKINS_HA_BAKE_MANIFEST) in the environment
      of Packer and its Ansible provisioner. The module stores it on the AMI, and on every copy Packer made to
      another region, as C(jenkins-ha:manifest-NN) tags (gzipped JSON, base64, 256 characters a tag) and reads it
      back from them when it reuses the image (a copy without them takes them from the image it was copied from).
    - EC2 allows 50 tags a resource; the manifest's tags must fit beside the template's and the user's, or the task
      fails naming the sizes before anything is tagged.
  returned: when an AMI was built or found
  type: dict
  sample: {"format": 1, "jenkins": "2.568.2", "java": 21, "plugins": {"ec2-fleet": "4.3.0.549.vf2a_da_a_d19b_5e"}}
manifest_record:
  description:
    - The value for the stack's C(ami/controller-jenkins) SSM parameter - canonical JSON with C(encoding)
      (C(gzip+base64)), C(image_id) and C(manifest) (the packed manifest, as in the tags) - or an empty string when
      the image has no manifest.
    - At most 8192 characters (an advanced parameter's limit; up to 4096 it is a standard one); a larger one fails
      the task naming the sizes.
  returned: when an AMI was built or found
  type: str
retagged:
  description: Tags changed on a reused AMI (what would change in check mode).
  returned: when O(retag=true) and an AMI was reused
  type: dict
  sample: {"jenkins-ha:commit": "4f2a9c1"}
duration:
  description: Seconds the Packer run took.
  returned: when Packer ran
  type: float
log_path:
  description: Where Packer's progress went.
  returned: when O(log_path) is set
  type: str
leftovers:
  description:
    - What earlier, killed builds of this stack and role left behind and this run removed (would remove in check
      mode), as instance ids, key pair names and security group ids.
  returned: when O(stack) is set
  type: dict
  sample: {"instances": ["i-0123456789abcdef0"], "key_pairs": [], "security_groups": ["sg-0123456789abcdef0"]}
"""

import os
import tempfile
import time

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.jenkins_ha.aws.plugins.module_utils import contract
from ansible_collections.jenkins_ha.aws.plugins.module_utils import packer
from ansible_collections.jenkins_ha.aws.plugins.module_utils._common.identifiers import check_identifiers
from ansible_collections.jenkins_ha.aws.plugins.module_utils._ec2.common import AnsibleEC2Error
from ansible_collections.jenkins_ha.aws.plugins.module_utils._ec2.images import get_image
from ansible_collections.jenkins_ha.aws.plugins.module_utils._ec2.tagging import create_tags
from ansible_collections.jenkins_ha.aws.plugins.module_utils._ec2.transformations import tag_dict
from ansible_collections.jenkins_ha.aws.plugins.module_utils._images import amis
from ansible_collections.jenkins_ha.aws.plugins.module_utils._images import interrupt
from ansible_collections.jenkins_ha.aws.plugins.module_utils._images import leftovers as build_leftovers
from ansible_collections.jenkins_ha.aws.plugins.module_utils._images import manifest as image_manifest

# Variables the module sets itself; callers must not pass them in variables/build_variables.
OWN_VARIABLES = (
    "role",
    "base",
    "region",
    "kms_key_id",
    "input_hash",
    "commit",
    "version",
    "build_time",
    "build_tags",
    "temporary_key_pair_name",
)
# Connection options handed to Packer as environment variables (Packer reads the usual AWS variables).
CREDENTIAL_ENVIRONMENT = (
    ("access_key", "AWS_ACCESS_KEY_ID"),
    ("secret_key", "AWS_SECRET_ACCESS_KEY"),
    ("session_token", "AWS_SESSION_TOKEN"),
    ("profile", "AWS_PROFILE"),
)


def image_variables(params):
    """The variables that define the image: part of the hash and passed to Packer."""
    variables = dict(params["variables"])
    variables.update(role=params["role"], base=params["base"], kms_key_id=params["kms_key_id"])
    return variables


def compute_input_hash(params, base_image_id):
    root = params.get("collection_root")
    collection = (root, params.get("collection_ignore") or []) if root else None
    return packer.input_hash(
        [os.path.dirname(params["template"])],
        params["role_paths"],
        image_variables(params),
        base_image_id,
        collection=collection,
    )


def resolve_base_image(module, ec2):
    """(base image id, Packer variables of the source AMI filter): what Packer's filter picks now."""
    params = module.params
    try:
        filter_variables, owners, name = packer.base_ami_filter(
            params["base"], params["build_variables"], params["variables"]
        )
    except ValueError as e:
        module.fail_json(msg=str(e))
    image = amis.find_base_image(ec2, owners, name)
    if image is None:
        module.fail_json(msg="no base AMI named {0} owned by {1}".format(name, ", ".join(owners)))
    return image["ImageId"], filter_variables


def reused_manifest(module, image_id, tags):
    try:
        return image_manifest.manifest_from_tags(tags)
    except image_manifest.ManifestError as e:
        module.fail_json(msg="{0} ({1}): rebuild it with force=true".format(e, image_id))


def source_manifest_tags(module, image):
    """The manifest tags of the image this one was copied from ({} when none): a copy Packer made to another region
    before copies were tagged carries none, and EC2 names its source (Image.SourceImageId/SourceImageRegion)."""
    source_id, source_region = image.get("SourceImageId"), image.get("SourceImageRegion")
    if not source_id or not source_region:
        return {}
    client = module.client("ec2", region=source_region)
    source = get_image(client, source_id)
    tags = tag_dict(source) if source else {}
    return {k: v for k, v in tags.items() if k.startswith(image_manifest.TAG_PREFIX)}


def reuse(module, ec2, image):
    params = module.params
    tags = tag_dict(image)
    wanted = {contract.AMI_TAG_COMMIT: params["commit"], contract.AMI_TAG_VERSION: params["version"]}
    retagged = {k: v for k, v in wanted.items() if tags.get(k) != v} if params["retag"] else {}
    if params["retag"] and not reused_manifest(module, image["ImageId"], tags):
        retagged.update(source_manifest_tags(module, image))
    if retagged and not module.check_mode:
        create_tags(ec2, [image["ImageId"]], retagged)
    tags.update(retagged)
    manifest = reused_manifest(module, image["ImageId"], tags)
    return bool(retagged), {
        "action": "reuse",
        "built": False,
        "image_id": image["ImageId"],
        "amis": {module.region: image["ImageId"]},
        "tags": tags,
        "retagged": retagged,
        "manifest": manifest,
        "manifest_record": image_manifest.record_value(manifest, image["ImageId"]) if manifest else "",
    }


def packer_env(module):
    extra = dict(module.params["environment"])
    for option, name in CREDENTIAL_ENVIRONMENT:
        if module.params.get(option):
            extra[name] = module.params[option]
    if module.region:
        extra.update(AWS_REGION=module.region, AWS_DEFAULT_REGION=module.region)
    return packer.packer_environment(extra=extra)


def run_bake(module, binary, variables):
    """Run Packer; (machine-readable result, seconds, the manifest the bake left)."""
    params = module.params
    # Where the bake play leaves its manifest (playbooks/files/packer/bake.yml fetches it there): a file of ours,
    # mode 0600, read once Packer is done and removed.
    handle, manifest_path = tempfile.mkstemp(prefix="jenkins-ha-manifest-", suffix=".json")
    os.close(handle)
    env = packer_env(module)
    env[image_manifest.MANIFEST_ENVIRONMENT] = manifest_path
    forwarder = interrupt.InterruptForwarder()
    try:
        with forwarder:
            run, duration = packer.run_packer_build(
                binary,
                params["template"],
                variables,
                log_path=params["log_path"],
                env=env,
                timeout=params["timeout"],
            )
        return run, duration, image_manifest.read_manifest_file(manifest_path)
    except packer.PackerError as e:
        if forwarder.received:
            e.message = (
                "interrupted by {0}, passed on to Packer, which cancelled the build and ran its cleanup: {1}".format(
                    forwarder.received, e.message
                )
            )
        raise
    finally:
        os.unlink(manifest_path)


def build(module, ec2, input_hash, base_image_id, filter_variables):
    params = module.params
    binary = packer.find_packer(params["packer_path"])
    if not binary:
        module.fail_json(msg="packer binary '{0}' not found or not executable".format(params["packer_path"]))
    variables = dict(params["build_variables"])
    variables.update(filter_variables)
    variables.update(image_variables(params))
    variables.update(
        region=module.region,
        # The image the hash was computed from, not whatever the filter picks when Packer runs.
        source_ami=base_image_id,
        input_hash=input_hash,
        commit=params["commit"],
        version=params["version"],
        build_time=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    )
    if params["stack"]:
        identity = build_leftovers.Build(params["stack"], params["role"], params["timeout"])
        variables.update(build_tags=identity.tags(), temporary_key_pair_name=identity.key_pair_name())
    run, duration, manifest = run_bake(module, binary, variables)
    image_id = run.amis.get(module.region) or sorted(run.amis.values())[0]
    image = get_image(ec2, image_id)
    tags = tag_dict(image) if image else {}
    record = ""
    if manifest:
        # Both limits are checked before anything is tagged, so a manifest that does not fit fails naming sizes.
        try:
            manifest_tags = image_manifest.manifest_tags(manifest, tags)
            record = image_manifest.record_value(manifest, image_id)
        except image_manifest.ManifestError as e:
            module.fail_json(
                msg="the image {0} was built but its manifest cannot be recorded: {1}; then rebuild it with"
                " force=true".format(image_id, e),
                image_id=image_id,
                amis=run.amis,
            )
        # Every copy Packer made (ami_regions) carries the manifest too: a stack in that region reuses the copy.
        for region, copy_id in sorted(run.amis.items()):
            client = ec2 if region == module.region else module.client("ec2", region=region)
            create_tags(client, [copy_id], manifest_tags)
        tags.update(manifest_tags)
    return True, {
        "action": "build",
        "built": True,
        "image_id": image_id,
        "amis": run.amis,
        "tags": tags,
        "manifest": manifest,
        "manifest_record": record,
        "duration": round(duration, 3),
    }


def remove_leftovers(module, ec2):
    """Remove what killed builds of this stack and role left (only report it in check mode); a build of them still
    running keeps its resources. The same selection as image_build_leftovers, which destroy.yml runs."""
    found, _kept = build_leftovers.find_leftovers(ec2, module.params["stack"], [module.params["role"]])
    if any(found.values()) and not module.check_mode:
        build_leftovers.remove_leftovers(ec2, found)
    return found


def ensure(module, ec2):
    params = module.params
    leftovers = remove_leftovers(module, ec2) if params["stack"] else None
    base_image_id, filter_variables = resolve_base_image(module, ec2)
    input_hash = compute_input_hash(params, base_image_id)
    existing = [] if params["force"] else amis.find_images_by_input_hash(ec2, params["role"], input_hash)
    if existing:
        changed, result = reuse(module, ec2, existing[0])
    elif module.check_mode:
        changed, result = True, {"action": "build", "built": False}
    else:
        changed, result = build(module, ec2, input_hash, base_image_id, filter_variables)
    result.update(input_hash=input_hash, base_image_id=base_image_id)
    if leftovers is not None:
        result["leftovers"] = leftovers
        changed = changed or any(leftovers.values())
    if params["log_path"]:
        result["log_path"] = params["log_path"]
    return changed, result


def main():
    argument_spec = dict(
        template=dict(type="path", required=True),
        role=dict(type="str", required=True, choices=list(contract.IMAGE_ROLES)),
        base=dict(type="str", required=True),
        role_paths=dict(type="list", elements="path", default=[]),
        collection_root=dict(type="path"),
        collection_ignore=dict(type="list", elements="str", default=[]),
        variables=dict(type="dict", default={}),
        build_variables=dict(type="dict", default={}),
        kms_key_id=dict(type="str", default="", no_log=False),
        commit=dict(type="str", default="unknown"),
        version=dict(type="str", default="0.0.0"),
        force=dict(type="bool", default=False),
        retag=dict(type="bool", default=True),
        log_path=dict(type="path"),
        packer_path=dict(type="str", default="packer"),
        environment=dict(type="dict", default={}),
        timeout=dict(type="int", default=3600),
        stack=dict(type="str", default=""),
    )
    module = AnsibleAWSModule(argument_spec=argument_spec, supports_check_mode=True)
    check_identifiers(module, [("kms_key_id", "kms_key")])

    clashes = sorted(set(OWN_VARIABLES) & (set(module.params["variables"]) | set(module.params["build_variables"])))
    if clashes:
        module.fail_json(msg="variables/build_variables must not set {0}: use the module options".format(clashes))
    if not os.path.isfile(module.params["template"]):
        module.fail_json(msg="Packer template {0} not found".format(module.params["template"]))
    if module.params["collection_root"] and not os.path.isdir(module.params["collection_root"]):
        module.fail_json(msg="collection_root not found: {0}".format(module.params["collection_root"]))
    missing = [p for p in module.params["role_paths"] if not os.path.isdir(p)]
    if missing:
        module.fail_json(msg="role_paths not found: {0}".format(", ".join(missing)))

    ec2 = module.client("ec2")
    try:
        changed, result = ensure(module, ec2)
    except packer.PackerError as e:
        module.fail_json(
            msg="packer build failed: {0}".format(e.message),
            packer_errors=e.errors,
            packer_output_tail=e.tail,
            rc=e.rc,
            log_path=e.log_path,
        )
    except image_manifest.ManifestError as e:
        module.fail_json(msg="the image's manifest cannot be recorded: {0}".format(e))
    except AnsibleEC2Error as e:
        module.fail_json_aws_error(e)
    module.exit_json(changed=changed, **result)


if __name__ == "__main__":
    main()
