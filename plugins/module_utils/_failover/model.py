# -*- coding: utf-8 -*-
# Copyright: Contributors to the jenkins_ha.aws project
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The modelled recovery time (RTO) of a controller failover, computed from a stack's settings.

A timeline from the failure (t=0), not a sum of typed-in numbers: two paths run side by side after the Auto Scaling
group reacts, the replacement's launch and boot on one, the release of the single-writer lock on JENKINS_HOME on
the other, and Jenkins starts when both are done. Every term names its source: an AWS document, a constant of this
repository, or a named estimate the caller may override (``estimates``).
"""

from __future__ import annotations

ALB_HEALTH_DOC = (
    "AWS, Application Load Balancer guide, 'Health checks for Application Load Balancer target groups' "
    "(https://docs.aws.amazon.com/elasticloadbalancing/latest/application/target-group-health-checks.html)"
)
ASG_HEALTH_DOC = (
    "AWS, EC2 Auto Scaling guide, 'Health checks for instances in an Auto Scaling group' "
    "(https://docs.aws.amazon.com/autoscaling/ec2/userguide/healthcheck.html)"
)
DEREGISTRATION_DOC = (
    "AWS, Application Load Balancer guide, 'Target groups: deregistration delay' "
    "(https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-target-groups.html"
    "#deregistration-delay); the group waits for it before terminating an instance attached to a target group"
)
WARM_POOL_DOC = (
    "AWS, EC2 Auto Scaling guide, 'Warm pools for Amazon EC2 Auto Scaling' "
    "(https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-warm-pools.html): a stopped, "
    "pre-initialised instance is started instead of launched"
)
LEASE_SOURCE = (
    "EFS_NFS_LEASE_SECONDS in roles/efs_mount/files/efs_fence.py: a newcomer waits until the last heartbeat of a "
    "holder that did not release cleanly is this old"
)
JENKINS_START_SOURCE = (
    "estimate 'jenkins_start': CloudBees KB 115000784092 'How to Troubleshoot and Address Jenkins Startup "
    "Performances' (~20 s with a small JENKINS_HOME, 90 s and more with a large one); set it for your home"
)

# The defaults of a target group created without health-check settings (ALB guide, health check settings table) and
# of a target group's deregistration delay (300 s, same guide, target group attributes).
AWS_DEFAULTS = {
    "health_check_interval": 30,
    "healthy_threshold": 5,
    "unhealthy_threshold": 2,
    "deregistration_delay": 300,
}

# Named estimates: nobody publishes these figures; each is a default the caller overrides with its own measurement
# (the failover drill prints the observed phases next to the model).
ESTIMATES = {
    "ec2_state_detection": 15,
    "asg_reaction": 10,
    "instance_launch": 60,
    "warm_instance_start": 25,
    "boot_unit": 30,
    "old_controller_stop": 10,
    "jenkins_start": 20,
    "lease_seconds": 90,
}
ESTIMATE_SOURCES = {
    "ec2_state_detection": "estimate 'ec2_state_detection': EC2 health check sees a terminated instance ({0})".format(
        ASG_HEALTH_DOC
    ),
    "asg_reaction": "estimate 'asg_reaction': from the unhealthy verdict to the group's replacement activity ({0})".format(
        ASG_HEALTH_DOC
    ),
    "instance_launch": "estimate 'instance_launch': RunInstances to a running OS with cloud-init done, cold EBS",
    "warm_instance_start": "estimate 'warm_instance_start': StartInstances of a stopped warm-pool instance ({0})".format(
        WARM_POOL_DOC
    ),
    "boot_unit": "estimate 'boot_unit': jenkins-ha-boot.service (SSM reads, EFS mount, JCasC render) to jenkins.service start",
    "old_controller_stop": "estimate 'old_controller_stop': OS shutdown of the old controller releasing the lock cleanly",
}

KILLS = ("unhealthy", "terminate")
SETTINGS = tuple(AWS_DEFAULTS) + ("warm_pool",)


class ModelError(ValueError):
    pass


def _positive(name, value, minimum=0):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < minimum:
        raise ModelError("{0} must be a number >= {1}, got {2!r}".format(name, minimum, value))
    return value


def _check_settings(settings):
    unknown = sorted(set(settings) - set(SETTINGS))
    if unknown:
        raise ModelError("unknown stack settings {0}; known: {1}".format(", ".join(unknown), ", ".join(SETTINGS)))
    merged = dict(AWS_DEFAULTS, warm_pool=False)
    merged.update(settings)
    # The ranges the ELB API accepts (CreateTargetGroup): interval 5-300 s, thresholds 2-10.
    _positive("health_check_interval", merged["health_check_interval"], 5)
    _positive("healthy_threshold", merged["healthy_threshold"], 2)
    _positive("unhealthy_threshold", merged["unhealthy_threshold"], 2)
    _positive("deregistration_delay", merged["deregistration_delay"], 0)
    if not isinstance(merged["warm_pool"], bool):
        raise ModelError("warm_pool must be a boolean, got {0!r}".format(merged["warm_pool"]))
    return merged


def _check_estimates(estimates):
    unknown = sorted(set(estimates) - set(ESTIMATES))
    if unknown:
        raise ModelError("unknown estimates {0}; known: {1}".format(", ".join(unknown), ", ".join(ESTIMATES)))
    merged = dict(ESTIMATES)
    merged.update(estimates)
    for name, value in merged.items():
        _positive(name, value, 0)
    return merged


def timeline(settings, kill="unhealthy", unclean=False, estimates=None):
    """One column: the terms (name -> seconds, in the order they happen) and the total, for one set of settings.

    kill: ``unhealthy`` (Jenkins stops answering on a live instance: the ALB must notice, and the old instance keeps
    the lock until it is drained and shut down) or ``terminate`` (the instance is gone: EC2 reports it).
    unclean: the old holder never released the lock (lost network, kernel panic): the newcomer waits out the lease
    counted from its last heartbeat, which is the failure itself.
    """
    if kill not in KILLS:
        raise ModelError("kill must be one of {0}, got {1!r}".format(", ".join(KILLS), kill))
    if not isinstance(unclean, bool):
        raise ModelError("unclean must be a boolean, got {0!r}".format(unclean))
    stack = _check_settings(settings)
    est = _check_estimates(estimates or {})
    interval = stack["health_check_interval"]

    if kill == "unhealthy":
        detection = interval * stack["unhealthy_threshold"]
    else:
        detection = est["ec2_state_detection"]
    reacted = detection + est["asg_reaction"]
    start = est["warm_instance_start"] if stack["warm_pool"] else est["instance_launch"]
    # The group registers the replacement in the target group when it is InService, i.e. once it runs.
    registered = reacted + start
    booted = registered + est["boot_unit"]

    if unclean:
        lock_free = est["lease_seconds"]
    elif kill == "unhealthy":
        # A live but failing controller holds the lock until the group has drained it and its OS stopped Jenkins.
        lock_free = reacted + stack["deregistration_delay"] + est["old_controller_stop"]
    else:
        lock_free = est["old_controller_stop"]
    lock_wait = max(0, lock_free - booted)
    jenkins_up = booted + lock_wait + est["jenkins_start"]

    # A new target passes one check to become healthy; if Jenkins took longer than the unhealthy threshold's checks
    # since registration, the target went unhealthy first and needs the healthy threshold's consecutive passes.
    went_unhealthy = jenkins_up - registered >= interval * stack["unhealthy_threshold"]
    healthy = interval * (stack["healthy_threshold"] if went_unhealthy else 1)

    terms = [
        ("detection", detection),
        ("asg_reaction", est["asg_reaction"]),
        ("instance_start", start),
        ("boot_unit", est["boot_unit"]),
        ("lock_wait", lock_wait),
        ("jenkins_start", est["jenkins_start"]),
        ("healthy_target", healthy),
    ]
    return {"terms": terms, "total": sum(seconds for _name, seconds in terms)}


def _sources(kill, unclean):
    return {
        "detection": (
            "health check interval x unhealthy threshold; " + ALB_HEALTH_DOC
            if kill == "unhealthy"
            else ESTIMATE_SOURCES["ec2_state_detection"]
        ),
        "asg_reaction": ESTIMATE_SOURCES["asg_reaction"],
        "instance_start": ESTIMATE_SOURCES["instance_launch"]
        + "; with a warm pool "
        + ESTIMATE_SOURCES["warm_instance_start"],
        "boot_unit": ESTIMATE_SOURCES["boot_unit"],
        "lock_wait": (
            "computed: the lock is free at the lease's end, " + LEASE_SOURCE
            if unclean
            else (
                "computed: the old controller holds the lock until drained (deregistration delay) and stopped; "
                + DEREGISTRATION_DOC
                + "; "
                + ESTIMATE_SOURCES["old_controller_stop"]
                if kill == "unhealthy"
                else "computed: the terminated controller released the lock at shutdown; "
                + ESTIMATE_SOURCES["old_controller_stop"]
            )
        )
        + "; the replacement waits only for what remains after its own boot",
        "jenkins_start": JENKINS_START_SOURCE,
        "healthy_target": (
            "computed: one passing check for a new target, or the healthy threshold's consecutive passes once it was "
            "marked unhealthy while Jenkins started; " + ALB_HEALTH_DOC
        ),
    }


def failover_rto(settings, kill="unhealthy", unclean=False, estimates=None):
    """The three columns of the failover table: AWS's defaults, the stack's settings, the stack with a warm pool.

    Returns ``{"modelled": {"aws_defaults", "stack", "warm_pool"}, "model_terms": [{"name", "seconds", "source",
    "aws_defaults", "warm_pool"}]}``; a term's ``seconds`` is the stack's column.
    """
    settings = dict(settings or {})
    columns = {
        "aws_defaults": timeline(dict(AWS_DEFAULTS), kill, unclean, estimates),
        "stack": timeline(settings, kill, unclean, estimates),
        "warm_pool": timeline(dict(settings, warm_pool=True), kill, unclean, estimates),
    }
    sources = _sources(kill, unclean)
    by_column = {name: dict(column["terms"]) for name, column in columns.items()}
    terms = [
        {
            "name": name,
            "seconds": seconds,
            "source": sources[name],
            "aws_defaults": by_column["aws_defaults"][name],
            "warm_pool": by_column["warm_pool"][name],
        }
        for name, seconds in columns["stack"]["terms"]
    ]
    return {"modelled": {name: column["total"] for name, column in columns.items()}, "model_terms": terms}
