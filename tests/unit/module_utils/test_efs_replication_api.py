"""The EFS replication calls with a stubbed client (botocore's Stubber checks every request against the model):
"not found" answers, paging, a create retried after a lost answer, and errors that stay errors."""

import boto3
import pytest
from botocore.stub import Stubber

from ansible_collections.jenkins_ha.aws.plugins.module_utils._efs import replication as api
from ansible_collections.jenkins_ha.aws.plugins.module_utils._efs.common import AnsibleEFSError


def entry(source="fs-src", region="eu-west-1", status="ENABLED"):
    return {
        "SourceFileSystemId": source,
        "SourceFileSystemRegion": "us-east-1",
        "SourceFileSystemArn": "arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/" + source,
        "OriginalSourceFileSystemArn": "arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/" + source,
        "CreationTime": 0,
        "Destinations": [{"Status": status, "FileSystemId": "fs-dst", "Region": region}],
    }


@pytest.fixture
def stubbed():
    client = boto3.client("efs", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x")
    with Stubber(client) as stubber:
        yield client, stubber
        stubber.assert_no_pending_responses()


DESCRIBES = [
    # (case, answers in order: a response dict or an error code, expected result)
    ("one", [{"Replications": [entry()]}], entry()),
    ("paged", [{"Replications": [], "NextToken": "t"}, {"Replications": [entry()]}], entry()),
    ("replication not found", ["ReplicationNotFound"], None),
    ("file system not found", ["FileSystemNotFound"], None),
]


@pytest.mark.parametrize("answers, expected", [c[1:] for c in DESCRIBES], ids=[c[0] for c in DESCRIBES])
def test_get_replication(stubbed, answers, expected):
    client, stubber = stubbed
    for answer in answers:
        if isinstance(answer, dict):
            stubber.add_response("describe_replication_configurations", answer)
        else:
            stubber.add_client_error("describe_replication_configurations", answer, http_status_code=404)
    found = api.get_replication(client, "fs-src")
    if expected is None:
        assert found is None
    else:
        assert found["SourceFileSystemId"] == expected["SourceFileSystemId"]


def test_access_denied_on_describe_is_an_error_not_absent(stubbed):
    client, stubber = stubbed
    stubber.add_client_error("describe_replication_configurations", "AccessDeniedException", http_status_code=403)
    with pytest.raises(AnsibleEFSError, match="describe replication configurations"):
        api.get_replication(client, "fs-src")


CREATE_REFUSALS = [
    # (case, what the describe after the refusal finds, the create's result or None for "the refusal is raised")
    ("lost answer: the replication asked for exists", {"Replications": [entry()]}, "fs-src"),
    ("another region's replication", {"Replications": [entry(region="us-west-2")]}, None),
    ("nothing", "ReplicationNotFound", None),
]


@pytest.mark.parametrize("found, expected", [c[1:] for c in CREATE_REFUSALS], ids=[c[0] for c in CREATE_REFUSALS])
def test_a_refused_create_is_ours_only_when_the_replication_asked_for_exists(stubbed, found, expected):
    client, stubber = stubbed
    stubber.add_client_error("create_replication_configuration", "BadRequest", http_status_code=400)
    if isinstance(found, dict):
        stubber.add_response("describe_replication_configurations", found, {"FileSystemId": "fs-src"})
    else:
        stubber.add_client_error("describe_replication_configurations", found, http_status_code=404)
    destination = {"Region": "eu-west-1"}
    if expected is None:
        with pytest.raises(AnsibleEFSError, match="create replication configuration"):
            api.create_replication(client, "fs-src", destination)
    else:
        assert api.create_replication(client, "fs-src", destination)["SourceFileSystemId"] == expected


def test_create_sends_one_destination(stubbed):
    client, stubber = stubbed
    destination = {"Region": "eu-west-1", "KmsKeyId": "arn:aws:kms:eu-west-1:123456789012:key/dr"}
    stubber.add_response(
        "create_replication_configuration",
        entry(status="ENABLING"),
        {"SourceFileSystemId": "fs-src", "Destinations": [destination]},
    )
    assert api.create_replication(client, "fs-src", destination)["Destinations"][0]["Status"] == "ENABLING"


DELETES = [("deleted", None, True), ("already gone", "ReplicationNotFound", False)]


@pytest.mark.parametrize("error, expected", [c[1:] for c in DELETES], ids=[c[0] for c in DELETES])
def test_delete_replication(stubbed, error, expected):
    client, stubber = stubbed
    if error:
        stubber.add_client_error("delete_replication_configuration", error, http_status_code=404)
    else:
        stubber.add_response("delete_replication_configuration", {}, {"SourceFileSystemId": "fs-src"})
    assert api.delete_replication(client, "fs-src") is expected
