# Jenkins HA images (controller and agent) from one template: `role` picks the Ansible role applied at bake time.
# Packer 1.6.6 with its built-in amazon-ebs builder and ansible provisioner: no `packer init`, no required_plugins.
# Run through the jenkins_ha.aws.packer_build module, which writes every variable to a var file.

variable "role" {
  type        = string
  description = "Image role: controller or agent."
}

variable "base" {
  type        = string
  default     = "debian12"
  description = "Base OS: debian12 or debian13."
}

# The base AMI: packer_build finds it with the filter variables arch, source_ami_owners and source_ami_name_patterns
# (their defaults live in the module, plugins/module_utils/packer.py BASE_AMI_FILTER_DEFAULTS, and it always passes
# them), hashes its id and passes that id as source_ami, so Packer bakes exactly the image that was hashed. The filter
# still applies to the id (one DescribeImages call with both): a source_ami the filter does not select fails.
variable "arch" {
  type        = string
  description = "CPU architecture as Debian names it in AMI names (amd64, arm64)."
}

variable "region" {
  type    = string
  default = "us-east-1"
}

variable "ami_regions" {
  type        = list(string)
  default     = []
  description = "Further regions to copy the AMI to."
}

variable "source_ami_owners" {
  type        = list(string)
  description = "Owners of the base AMIs (packer_build's default: 136693071363, Debian's official AWS account)."
}

variable "source_ami_name_patterns" {
  type        = map(string)
  description = "Name pattern of the base AMI per base OS; %s is replaced by arch."
}

variable "source_ami" {
  type        = string
  default     = ""
  description = "Id of the base AMI packer_build resolved and hashed; empty takes the newest image the filter selects."
}

variable "instance_type" {
  type    = string
  default = "t3.medium"
}

variable "ssh_username" {
  type    = string
  default = "admin"
}

variable "root_device_name" {
  type    = string
  default = "/dev/xvda"
}

variable "root_volume_size" {
  type    = number
  default = 16
}

variable "kms_key_id" {
  type        = string
  default     = ""
  description = "KMS key for the root volume; empty means the account's default EBS key (not shareable)."
}

variable "subnet_id" {
  type    = string
  default = ""
}

variable "ami_name_prefix" {
  type    = string
  default = "jenkins-ha"
}

variable "input_hash" {
  type        = string
  description = "Input hash computed by packer_build; tagged so an unchanged image is found and reused."
}

variable "commit" {
  type    = string
  default = "unknown"
}

variable "version" {
  type    = string
  default = "0.0.0"
}

variable "build_time" {
  type    = string
  default = ""
}

# Set by packer_build (its stack option): what marks the temporary build instance and key pair as this stack's and
# role's build, so the next run can tell a killed build's leftovers from anyone else's (module_utils/_images/leftovers.py).
variable "build_tags" {
  type        = map(string)
  default     = {}
  description = "Tags of the temporary build instance: stack, role, build id, owner process and deadline."
}

variable "temporary_key_pair_name" {
  type        = string
  default     = ""
  description = "Name of Packer's temporary key pair; empty keeps Packer's packer_<uuid>."
}

variable "tags" {
  type        = map(string)
  default     = {}
  description = "Extra tags for the AMI and its snapshots."
}

variable "bake_vars" {
  type        = map(string)
  default     = {}
  description = "Extra string variables for the bake play, e.g. a pinned Jenkins version."
}

variable "bake_vars_json" {
  type        = string
  default     = "{}"
  description = "Extra variables for the bake play as a JSON object (lists, maps), e.g. the plugin list."
}

variable "bake_playbook" {
  type        = string
  default     = ""
  description = "Playbook the ansible provisioner runs; empty means bake.yml next to this template."
}

variable "ansible_command" {
  type    = string
  default = "ansible-playbook"
}

variable "ansible_env_vars" {
  type    = list(string)
  default = []
}

# Test/emulator settings: empty or false by default so production builds talk to real AWS and real instances.
variable "custom_endpoint_ec2" {
  type    = string
  default = ""
}

variable "skip_credential_validation" {
  type    = bool
  default = false
}

variable "skip_region_validation" {
  type    = bool
  default = false
}

variable "skip_metadata_api_check" {
  type    = bool
  default = false
}

variable "ssh_host" {
  type        = string
  default     = ""
  description = "Connect to this host instead of the instance (a local build host in tests)."
}

variable "ssh_port" {
  type    = number
  default = 22
}

variable "ssh_private_key_file" {
  type        = string
  default     = ""
  description = "Existing private key for SSH; empty lets Packer create a temporary key pair."
}

locals {
  bake_playbook = var.bake_playbook != "" ? var.bake_playbook : "${path.root}/bake.yml"
  build_time    = var.build_time != "" ? var.build_time : timestamp()
  ami_tags = merge(var.tags, {
    "jenkins-ha:role"       = var.role
    "jenkins-ha:base"       = var.base
    "jenkins-ha:input-hash" = var.input_hash
    "jenkins-ha:commit"     = var.commit
    "jenkins-ha:build-time" = local.build_time
    "jenkins-ha:version"    = var.version
    "jenkins-ha:component"  = "image"
    "managed-by"            = "jenkins_ha.aws"
    "Name"                  = "${var.ami_name_prefix}-${var.role}-${var.base}"
  })
}

source "amazon-ebs" "jenkins_ha" {
  region          = var.region
  ami_regions     = var.ami_regions
  instance_type   = var.instance_type
  subnet_id       = var.subnet_id
  ami_name        = "${var.ami_name_prefix}-${var.role}-${var.base}-${substr(var.input_hash, 0, 12)}-${formatdate("YYYYMMDDhhmmss", local.build_time)}"
  ami_description = "Jenkins HA ${var.role} image on ${var.base} (input hash ${var.input_hash})"

  source_ami = var.source_ami
  source_ami_filter {
    filters = {
      name = format(var.source_ami_name_patterns[var.base], var.arch)
    }
    owners      = var.source_ami_owners
    most_recent = true
  }

  launch_block_device_mappings {
    device_name           = var.root_device_name
    volume_size           = var.root_volume_size
    volume_type           = "gp3"
    iops                  = 3000
    throughput            = 125
    encrypted             = true
    kms_key_id            = var.kms_key_id
    delete_on_termination = true
  }

  communicator         = "ssh"
  ssh_username         = var.ssh_username
  ssh_host             = var.ssh_host
  ssh_port             = var.ssh_port
  ssh_private_key_file = var.ssh_private_key_file
  ssh_timeout          = "10m"

  custom_endpoint_ec2        = var.custom_endpoint_ec2
  skip_credential_validation = var.skip_credential_validation
  skip_region_validation     = var.skip_region_validation
  skip_metadata_api_check    = var.skip_metadata_api_check

  tags          = local.ami_tags
  snapshot_tags = local.ami_tags
  run_tags = merge(var.build_tags, {
    "Name"                 = "packer ${var.ami_name_prefix}-${var.role}-${var.base}"
    "jenkins-ha:component" = "image"
    "managed-by"           = "jenkins_ha.aws"
  })
  # Packer 1.6.6 cannot name or tag its temporary security group (always packer_<uuid>): packer_build finds it
  # through the tagged instance that uses it.
  temporary_key_pair_name = var.temporary_key_pair_name
}

build {
  sources = ["source.amazon-ebs.jenkins_ha"]

  provisioner "ansible" {
    playbook_file    = local.bake_playbook
    command          = var.ansible_command
    user             = var.ssh_username
    use_proxy        = false
    ansible_env_vars = concat(["ANSIBLE_HOST_KEY_CHECKING=False", "ANSIBLE_PIPELINING=True"], var.ansible_env_vars)
    extra_arguments = [
      "--extra-vars", jsonencode(merge(var.bake_vars, {
        jenkins_ha_bake_role = var.role
        jenkins_ha_bake_base = var.base
      })),
      "--extra-vars", "ansible_python_interpreter=/usr/bin/python3",
      "--extra-vars", var.bake_vars_json,
    ]
  }
}
