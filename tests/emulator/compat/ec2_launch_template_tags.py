"""EC2 CreateLaunchTemplate: the template's own tags stay off the version data.

moto copies the top-level TagSpecifications (resource type launch-template) into version 1's LaunchTemplateData.
AWS keeps them apart, so amazon.aws.ec2_launch_template compares its data with version 1, sees a difference and
creates a new version (changed) on every rerun.
"""

from __future__ import annotations

from ._util import Patcher

GAP = "CreateLaunchTemplate copies launch-template TagSpecifications into the version's LaunchTemplateData"
MOTO_VERSION = "5.2.5"

_patcher = Patcher()


def create_launch_template(self):
    from moto.core.responses import ActionResult
    from moto.ec2.utils import parse_user_data

    name = self._get_param("LaunchTemplateName")
    version_description = self._get_param("VersionDescription")
    tag_spec = self._parse_tag_specification()
    template_data = dict(self._get_param("LaunchTemplateData", {}))
    template_data["UserData"] = parse_user_data(self._get_param("LaunchTemplateData.UserData"))
    self.error_on_dryrun()

    # The stock response merges tag_spec into template_data here; the backend tags the template from tag_spec.
    template = self.ec2_backend.create_launch_template(name, version_description, template_data, tag_spec)
    version = template.default_version()
    return ActionResult(
        {
            "LaunchTemplate": {
                "CreateTime": version.create_time,
                "CreatedBy": f"arn:{self.partition}:iam::{self.current_account}:root",
                "DefaultVersionNumber": template.default_version_number,
                "LatestVersionNumber": version.number,
                "LaunchTemplateId": template.id,
                "LaunchTemplateName": template.name,
                "Tags": template.tags,
            }
        }
    )


def apply():
    if _patcher.active:
        return
    from moto.ec2.responses.launch_templates import LaunchTemplates

    _patcher.setattr(LaunchTemplates, "create_launch_template", create_launch_template)
    _patcher.active = True


def remove():
    _patcher.restore()
