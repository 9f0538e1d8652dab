"""Parsing `packer build -machine-readable` output, and a run of a fake packer binary."""

import os
import stat

import pytest

from ansible_collections.jenkins_ha.aws.plugins.module_utils import packer

SUCCESS = """\
1795431017,,ui,say,==> amazon-ebs.jenkins_ha: Launching a source AWS instance...
1795431021,amazon-ebs.jenkins_ha,artifact-count,1
1795431021,amazon-ebs.jenkins_ha,artifact,0,builder-id,mitchellh.amazonebs
1795431021,amazon-ebs.jenkins_ha,artifact,0,id,us-east-1:ami-0aaa%!(PACKER_COMMA)eu-west-1:ami-0bbb
1795431021,amazon-ebs.jenkins_ha,artifact,0,string,AMIs were created:\\nus-east-1: ami-0aaa\\n
1795431021,amazon-ebs.jenkins_ha,artifact,0,end
"""

FAILURE = """\
1795430995,,ui,say,==> amazon-ebs.jenkins_ha: Launching a source AWS instance...
1795430995,,ui,error,Build 'amazon-ebs.jenkins_ha' errored after 46 milliseconds: The provided source AMI has an \
invalid root device type.\\nExpected 'ebs'%!(PACKER_COMMA) got 'standard'.
1795430995,,error-count,1
1795430995,,ui,error,\\n==> Some builds didn't complete successfully and had errors:
1795430995,amazon-ebs.jenkins_ha,error,The provided source AMI has an invalid root device type.\\nExpected \
'ebs'%!(PACKER_COMMA) got 'standard'.
"""


def feed(text):
    result = packer.MachineReadableResult()
    logged = [result.feed(line) for line in text.splitlines(True)]
    return result, [line for line in logged if line]


@pytest.mark.parametrize(
    "value, expected",
    [
        ("us-east-1:ami-1", {"us-east-1": "ami-1"}),
        ("us-east-1:ami-1,eu-west-1:ami-2", {"us-east-1": "ami-1", "eu-west-1": "ami-2"}),
        ("", {}),
    ],
)
def test_parse_artifact_ids(value, expected):
    assert packer.parse_artifact_ids(value) == expected


def test_success_output_gives_amis_per_region():
    result, logged = feed(SUCCESS)
    assert result.amis == {"us-east-1": "ami-0aaa", "eu-west-1": "ami-0bbb"}
    assert result.error_count == 0
    assert logged == ["==> amazon-ebs.jenkins_ha: Launching a source AWS instance..."]


def test_failure_output_gives_packers_own_error_text():
    result, _unused = feed(FAILURE)
    assert result.amis == {}
    assert result.error_count == 1
    assert result.error_text() == (
        "amazon-ebs.jenkins_ha: The provided source AMI has an invalid root device type.\nExpected 'ebs', got 'standard'."
    )


def fake_packer(tmp_path, output, rc):
    script = tmp_path / "packer"
    (tmp_path / "out.txt").write_text(output)
    script.write_text(
        "#!/bin/sh\n"
        'for a in "$@"; do case "$a" in *.pkrvars.json) cp "$a" "{0}/seen-vars.json"; '
        'stat -c %a "$a" > "{0}/seen-mode";; esac; done\n'
        'echo "$@" > "{0}/seen-args"\n'
        'cat "{0}/out.txt"\nexit {1}\n'.format(tmp_path, rc)
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return str(script)


def test_run_writes_a_private_var_file_and_logs_progress(tmp_path):
    binary = fake_packer(tmp_path, SUCCESS, 0)
    template = tmp_path / "t.pkr.hcl"
    template.write_text("")
    log = tmp_path / "build.log"
    result, seconds = packer.run_packer_build(
        binary, str(template), {"role": "agent", "secret": "s3cr3t"}, log_path=str(log), env=dict(os.environ)
    )
    assert result.amis["us-east-1"] == "ami-0aaa"
    assert seconds >= 0
    assert (tmp_path / "seen-mode").read_text().strip() == "600"
    assert '"secret": "s3cr3t"' in (tmp_path / "seen-vars.json").read_text()
    args = (tmp_path / "seen-args").read_text()
    assert "s3cr3t" not in args and "-machine-readable" in args
    assert "Launching a source AWS instance" in log.read_text()


def test_run_failure_raises_with_packer_error(tmp_path):
    binary = fake_packer(tmp_path, FAILURE, 1)
    template = tmp_path / "t.pkr.hcl"
    template.write_text("")
    with pytest.raises(packer.PackerError) as error:
        packer.run_packer_build(binary, str(template), {}, env=dict(os.environ))
    assert "invalid root device type" in error.value.message
    assert error.value.rc == 1


def test_environment_disables_checkpoint_and_applies_overrides():
    env = packer.packer_environment({"KEEP": "1", "DROP": "x"}, {"DROP": None, "AWS_REGION": "eu-west-1"})
    assert env == {"KEEP": "1", "AWS_REGION": "eu-west-1", "CHECKPOINT_DISABLE": "1", "PACKER_NO_COLOR": "1"}
