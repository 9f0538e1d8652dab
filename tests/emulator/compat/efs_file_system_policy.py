"""EFS DeleteFileSystemPolicy, and FileSystemNotFound from the file system policy APIs.

jenkins_ha.aws.efs_file_system_policy state=absent deletes the policy; stock moto has no handler. On AWS the call
succeeds whether or not a policy is set (the default policy then applies) and DescribeFileSystemPolicy answers
PolicyNotFound afterwards. Stock Describe/PutFileSystemPolicy look the file system up without a check, so an unknown
id is a KeyError (HTTP 500) instead of AWS's 404 FileSystemNotFound, which the module reports as "does not exist".
"""

from __future__ import annotations

from ._util import Patcher, json_response, rest_params

GAP = (
    "EFS DeleteFileSystemPolicy is not implemented (HTTP 500); Describe/PutFileSystemPolicy of an unknown file system"
    " raise KeyError (HTTP 500) instead of FileSystemNotFound"
)
MOTO_VERSION = "5.2.5"

_patcher = Patcher()


def _file_system(backend, file_system_id):
    from moto.efs.exceptions import FileSystemNotFound

    if file_system_id not in backend.file_systems_by_id:
        raise FileSystemNotFound(file_system_id)
    return backend.file_systems_by_id[file_system_id]


def delete_file_system_policy(self):
    params = rest_params(self, "efs", "DeleteFileSystemPolicy")
    _file_system(self.efs_backend, params["FileSystemId"]).file_system_policy = None
    return json_response({})


def _wrap_checking_file_system(original):
    def checked(self, file_system_id, *args, **kwargs):
        _file_system(self, file_system_id)
        return original(self, file_system_id, *args, **kwargs)

    checked.__name__ = original.__name__
    checked.__doc__ = original.__doc__
    return checked


def apply():
    if _patcher.active:
        return
    from moto.efs.models import EFSBackend
    from moto.efs.responses import EFSResponse

    _patcher.setattr(EFSResponse, "delete_file_system_policy", delete_file_system_policy)
    for name in ("describe_file_system_policy", "put_file_system_policy"):
        _patcher.setattr(EFSBackend, name, _wrap_checking_file_system(getattr(EFSBackend, name)))
    _patcher.active = True


def remove():
    _patcher.restore()
