"""EFS DescribeTags/CreateTags/DeleteTags, the legacy file-system tag APIs.

community.aws.efs and efs_info still call them; moto only has TagResource/ListTagsForResource. Served from the
same tagging service, so both API generations see the same tags, as on AWS.
"""

from __future__ import annotations

from ._util import Patcher, json_response, rest_params

GAP = "EFS DescribeTags/CreateTags/DeleteTags are not implemented (NotImplementedError in-process, 404 in server mode)"
MOTO_VERSION = "5.2.5"

# Server mode routes only the paths urls.py lists; these are the operations' requestUri in botocore's model.
URL_PATHS = (
    "/2015-02-01/tags/<file_system_id>/",
    "/2015-02-01/create-tags/<file_system_id>",
    "/2015-02-01/delete-tags/<file_system_id>",
)

_patcher = Patcher()


def _file_system(backend, file_system_id):
    from moto.efs.exceptions import FileSystemNotFound

    if file_system_id not in backend.file_systems_by_id:
        raise FileSystemNotFound(file_system_id)
    return backend.file_systems_by_id[file_system_id]


def describe_tags(self):
    params = rest_params(self, "efs", "DescribeTags")
    _file_system(self.efs_backend, params["FileSystemId"])
    tags = self.efs_backend.list_tags_for_resource(params["FileSystemId"])
    start = int(params.get("Marker") or 0)
    size = params.get("MaxItems") or 100
    result = {"Tags": tags[start : start + size]}
    if params.get("Marker"):
        result["Marker"] = params["Marker"]
    if start + size < len(tags):
        result["NextMarker"] = str(start + size)
    return json_response(result)


def create_tags(self):
    params = rest_params(self, "efs", "CreateTags")
    _file_system(self.efs_backend, params["FileSystemId"])
    self.efs_backend.tagging_service.tag_resource(params["FileSystemId"], params.get("Tags") or [])
    return json_response({}, status=204)


def delete_tags(self):
    params = rest_params(self, "efs", "DeleteTags")
    _file_system(self.efs_backend, params["FileSystemId"])
    self.efs_backend.tagging_service.untag_resource_using_names(params["FileSystemId"], params.get("TagKeys") or [])
    return json_response({}, status=204)


def apply():
    if _patcher.active:
        return
    from moto.efs import urls
    from moto.efs.responses import EFSResponse

    for name, func in (("describe_tags", describe_tags), ("create_tags", create_tags), ("delete_tags", delete_tags)):
        _patcher.setattr(EFSResponse, name, func)
    for path in URL_PATHS:
        _patcher.setitem(urls.url_paths, path, urls.response.dispatch)
    _patcher.active = True


def remove():
    _patcher.restore()
