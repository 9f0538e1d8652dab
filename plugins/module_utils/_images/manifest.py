# -*- coding: utf-8 -*-

# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The bake's manifest (what an image runs: for the controller Jenkins core, Java major, every plugin with its resolved
version) in the two places it is kept, both within AWS's limits:

- on the AMI, as numbered tags (a reused image still has it when Packer does not run, a shared image carries it to
  other accounts, a copy to another region gets it too);
- in the stack's SSM parameter ami/controller-jenkins, beside the image id (images.yml writes, configure.yml and
  upgrade.yml read it).

Both hold the same packed form: the canonical JSON, gzipped (mtime 0: the same manifest packs to the same text) and
base64-encoded. Raw JSON would fill an advanced parameter (8 KB) at about 160 plugins; packed, a manifest of ~400
real plugins fits (tests/unit/images/test_manifest_limits.py measures it).

Limits (AWS documentation, "Tag restrictions" of the EC2 User Guide; botocore's ssm PutParameter.Value):
- a tag value holds at most 256 characters, a resource at most 50 tags (aws:-prefixed ones do not count);
- a parameter value holds at most 4 KB (standard tier) or 8 KB (advanced; Intelligent-Tiering picks it past 4 KB).
"""

import base64
import gzip
import json

MANIFEST_ENVIRONMENT = "JENKINS_HA_BAKE_MANIFEST"
TAG_PREFIX = "jenkins-ha:manifest-"
TAG_VALUE_LIMIT = 256
TAGS_PER_RESOURCE = 50
RESERVED_TAG_PREFIX = "aws:"
RECORD_LIMIT = 8192
STANDARD_RECORD_LIMIT = 4096
# The record's encoding: a JSON object that keeps image_id readable (upgrade.yml and configure.yml compare it without
# unpacking) and carries the packed manifest.
RECORD_ENCODING = "gzip+base64"


class ManifestError(ValueError):
    """A manifest that cannot be stored on, or read back from, an AMI's tags or the SSM record."""


def canonical_json(value):
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True, default=str)


def pack(manifest):
    """The manifest (a JSON object) gzipped and base64-encoded."""
    if not isinstance(manifest, dict):
        raise ManifestError("the bake manifest must be a JSON object, got {0}".format(type(manifest).__name__))
    return base64.b64encode(gzip.compress(canonical_json(manifest).encode("utf-8"), mtime=0)).decode("ascii")


def unpack(packed, where):
    try:
        raw = gzip.decompress(base64.b64decode(packed, validate=True))
        manifest = json.loads(raw.decode("utf-8"))
    except (ValueError, OSError, EOFError, TypeError) as exc:
        raise ManifestError("{0} do not decode: {1}".format(where, exc)) from exc
    if not isinstance(manifest, dict):
        raise ManifestError("{0} hold no JSON object".format(where))
    return manifest


def counted_tags(tags):
    """The keys that count against EC2's 50 tags a resource, manifest tags excluded."""
    return sorted(k for k in tags if not k.startswith(TAG_PREFIX) and not k.lower().startswith(RESERVED_TAG_PREFIX))


def manifest_tags(manifest, other_tags=()):
    """{tag key: value} holding the manifest; {} for an empty manifest.

    other_tags: the keys the image carries besides the manifest (Packer's template tags and the user's). Raises
    ManifestError, before anything is tagged, when the manifest needs more tags than EC2 leaves beside them.
    """
    if not manifest:
        return {}
    packed = pack(manifest)
    chunks = [packed[i : i + TAG_VALUE_LIMIT] for i in range(0, len(packed), TAG_VALUE_LIMIT)]
    others = counted_tags(dict.fromkeys(other_tags))
    room = TAGS_PER_RESOURCE - len(others)
    if len(chunks) > room:
        raise ManifestError(
            "the manifest ({0} plugins) packs into {1} characters, {2} tags of {3}; the image has {4} other tags"
            " ({5}) and EC2 allows {6} a resource, so {7} are left: set fewer tags (Packer variable tags) or bake"
            " fewer plugins".format(
                len(manifest.get("plugins") or {}),
                len(packed),
                len(chunks),
                TAG_VALUE_LIMIT,
                len(others),
                ", ".join(others),
                TAGS_PER_RESOURCE,
                max(room, 0),
            )
        )
    return {"{0}{1:02d}".format(TAG_PREFIX, i): chunk for i, chunk in enumerate(chunks)}


def manifest_from_tags(tags):
    """The manifest an AMI's tags hold; {} when it has none. Raises ManifestError when the chunks are incomplete."""
    chunks = {k[len(TAG_PREFIX) :]: v for k, v in tags.items() if k.startswith(TAG_PREFIX)}
    if not chunks:
        return {}
    wanted = ["{0:02d}".format(i) for i in range(len(chunks))]
    if sorted(chunks) != wanted:
        raise ManifestError("the image's manifest tags are incomplete: {0}".format(", ".join(sorted(chunks))))
    return unpack("".join(chunks[i] for i in wanted), "the image's manifest tags")


def record_value(manifest, image_id):
    """The value of the ami/controller-jenkins parameter: canonical JSON {encoding, image_id, manifest (packed)}.

    Raises ManifestError when it exceeds what an advanced parameter holds, so images.yml fails in the module naming
    the sizes rather than in PutParameter.
    """
    value = canonical_json({"encoding": RECORD_ENCODING, "image_id": image_id, "manifest": pack(manifest)})
    if len(value) > RECORD_LIMIT:
        raise ManifestError(
            "the manifest of {0} ({1} plugins) needs {2} characters in SSM, more than the {3} an advanced parameter"
            " holds: bake fewer plugins".format(image_id, len(manifest.get("plugins") or {}), len(value), RECORD_LIMIT)
        )
    return value


def manifest_from_record(value):
    """The manifest, with image_id, from the parameter's value: the packed record, or the raw JSON object images.yml
    wrote before (format 1 with jenkins/java/plugins/image_id at the top)."""
    if isinstance(value, dict):
        record = value
    else:
        try:
            record = json.loads(value)
        except (TypeError, ValueError) as exc:
            raise ManifestError("the image manifest record is not JSON: {0}".format(exc)) from exc
    if not isinstance(record, dict):
        raise ManifestError("the image manifest record is not a JSON object")
    if "encoding" not in record:
        return record
    if record["encoding"] != RECORD_ENCODING:
        raise ManifestError("the image manifest record has an unknown encoding {0!r}".format(record["encoding"]))
    manifest = unpack(record.get("manifest"), "the image manifest record's packed manifest")
    if record.get("image_id"):
        manifest["image_id"] = record["image_id"]
    return manifest


def read_manifest_file(path):
    """The manifest the bake left at path: {} when it left none (an empty or missing file)."""
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except FileNotFoundError:
        return {}
    if not text.strip():
        return {}
    try:
        manifest = json.loads(text)
    except ValueError as exc:
        raise ManifestError("the bake's manifest {0} is not JSON: {1}".format(path, exc)) from exc
    if not isinstance(manifest, dict):
        raise ManifestError("the bake's manifest {0} is not a JSON object".format(path))
    return manifest
