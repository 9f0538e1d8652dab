"""EFS UpdateFileSystem: change a file system's throughput mode or provisioned throughput.

jenkins_ha.aws.efs_file_system calls it whenever throughput_mode (or the provisioned MiB/s) differs from what
exists; stock moto has no handler. As on AWS the answer is 202 with the file system's description, a file system
leaving provisioned mode no longer reports ProvisionedThroughputInMibps, and changing to provisioned needs the
amount. Not modelled: the transient `updating` state and the once-per-24-hours limit on mode changes and decreases
(TooManyRequests), which would make every integration rerun wait a day.
"""

from __future__ import annotations

from ._util import Patcher, json_response, rest_params

GAP = "EFS UpdateFileSystem is not implemented (NotImplementedError in-process, HTTP 500 in server mode)"
MOTO_VERSION = "5.2.5"

THROUGHPUT_MODES = ("bursting", "provisioned", "elastic")

_patcher = Patcher()


def update_file_system(self):
    from moto.efs.exceptions import BadRequest, FileSystemNotFound

    params = rest_params(self, "efs", "UpdateFileSystem")
    file_system = self.efs_backend.file_systems_by_id.get(params["FileSystemId"])
    if file_system is None:
        raise FileSystemNotFound(params["FileSystemId"])
    mode = params.get("ThroughputMode", file_system.throughput_mode)
    mibps = params.get("ProvisionedThroughputInMibps")
    if mode not in THROUGHPUT_MODES:
        raise BadRequest("ThroughputMode must be one of {0}".format(", ".join(THROUGHPUT_MODES)))
    if params.get("ThroughputMode") == "provisioned" and mibps is None:
        raise BadRequest("ProvisionedThroughputInMibps is required when ThroughputMode is provisioned")
    if mibps is not None and mode != "provisioned":
        raise BadRequest("ProvisionedThroughputInMibps can only be set when ThroughputMode is provisioned")
    if mibps is not None and mibps < 1.0:
        raise BadRequest("ProvisionedThroughputInMibps must be at least 1.0")
    file_system.throughput_mode = mode
    if mode == "provisioned":
        if mibps is not None:
            file_system.provisioned_throughput_in_mibps = float(mibps)
    else:
        file_system.provisioned_throughput_in_mibps = None
    return json_response(file_system.info_json(), status=202)


def apply():
    if _patcher.active:
        return
    from moto.efs.responses import EFSResponse

    _patcher.setattr(EFSResponse, "update_file_system", update_file_system)
    _patcher.active = True


def remove():
    _patcher.restore()
