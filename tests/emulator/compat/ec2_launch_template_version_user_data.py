"""EC2 CreateLaunchTemplateVersion: the version's UserData is kept as the base64 user data it is.

moto parses UserData for CreateLaunchTemplate (moto.ec2.utils.parse_user_data) but stores CreateLaunchTemplateVersion's
as the raw string, and its LaunchTemplateVersion.user_data asserts the parsed type: every instance launched from
version 2 or later of a template with user data (an Auto Scaling group on it, an instance refresh or a scale-out
onto a new version) fails with an AssertionError (500 on the server). AWS launches from any version alike. The
version's user data goes through the same parse_user_data as version 1's, so what moto refuses for CreateLaunchTemplate
(not base64: InvalidUserData.Malformed) it refuses for CreateLaunchTemplateVersion too.
What upgrade.yml hits on the demo: launch_templates.yml adds version 2 with the stack's user data, the refresh
launches from it (`make demo-upgrade`).
"""

from __future__ import annotations

from ._util import Patcher

GAP = "CreateLaunchTemplateVersion keeps UserData unparsed: launching from that version fails an assertion"
MOTO_VERSION = "5.2.5"

_patcher = Patcher()


def apply():
    if _patcher.active:
        return
    from moto.core.types import Base64EncodedString
    from moto.ec2.models.launch_templates import LaunchTemplate
    from moto.ec2.utils import parse_user_data

    original = LaunchTemplate.create_version

    def create_version(self, data, description):
        user_data = data.get("UserData")
        if user_data is not None and not isinstance(user_data, Base64EncodedString):
            data = dict(data, UserData=parse_user_data(user_data))
        return original(self, data, description)

    _patcher.setattr(LaunchTemplate, "create_version", create_version)
    _patcher.active = True


def remove():
    _patcher.restore()
