"""Option checks the argument spec cannot express, one table per module."""

import pytest

from ansible_collections.jenkins_ha.aws.plugins.modules import efs_access_point
from ansible_collections.jenkins_ha.aws.plugins.modules import efs_file_system
from tests.unit.modules.helpers import module_params


class Failed(Exception):
    pass


class ValidatingModule:
    def __init__(self, params):
        self.params = params

    def fail_json(self, msg, **kwargs):
        raise Failed(msg)


def fs_params(**overrides):
    return module_params(efs_file_system.argument_spec(), **overrides)


FILE_SYSTEM_CASES = [
    ("defaults", fs_params(), None),
    ("provisioned with throughput", fs_params(throughput_mode="provisioned", provisioned_throughput_in_mibps=10), None),
    ("throughput without provisioned mode", fs_params(provisioned_throughput_in_mibps=10), "only valid with"),
    ("kms key on an unencrypted file system", fs_params(encrypted=False, kms_key_id="alias/x"), "requires encrypted"),
    ("distinct subnets", fs_params(mount_targets=[{"subnet_id": "a"}, {"subnet_id": "b"}]), None),
    ("a subnet twice", fs_params(mount_targets=[{"subnet_id": "a"}, {"subnet_id": "a"}]), "more than once"),
]


@pytest.mark.parametrize("params, error", [c[1:] for c in FILE_SYSTEM_CASES], ids=[c[0] for c in FILE_SYSTEM_CASES])
def test_file_system_validation(params, error):
    if error is None:
        efs_file_system.validate(ValidatingModule(params))
    else:
        with pytest.raises(Failed, match=error):
            efs_file_system.validate(ValidatingModule(params))


def root(path="/jenkins", permissions="0750"):
    creation_info = None if permissions is None else {"owner_uid": 1, "owner_gid": 1, "permissions": permissions}
    return {"root_directory": {"path": path, "creation_info": creation_info}}


ACCESS_POINT_CASES = [
    ("no root directory", {"root_directory": None}, None),
    ("four digits", root(), None),
    ("three digits", root(permissions="755"), None),
    ("setgid", root(permissions="2775"), None),
    ("no creation info", root(permissions=None), None),
    ("not octal", root(permissions="0980"), "octal digits"),
    ("symbolic", root(permissions="rwx"), "octal digits"),
    ("too long", root(permissions="07550"), "octal digits"),
    ("relative path", root(path="jenkins"), "absolute"),
    ("four levels", root(path="/a/b/c/d"), None),
    ("five levels", root(path="/a/b/c/d/e"), "at most four"),
]


@pytest.mark.parametrize("params, error", [c[1:] for c in ACCESS_POINT_CASES], ids=[c[0] for c in ACCESS_POINT_CASES])
def test_access_point_validation(params, error):
    if error is None:
        efs_access_point.validate(ValidatingModule(params))
    else:
        with pytest.raises(Failed, match=error):
            efs_access_point.validate(ValidatingModule(params))
