"""How the integration files are spread over the pytest-xdist workers, and how long each took.

`make integration` runs `pytest -n 2 --dist loadfile --no-loadscope-reorder`: a file's tests stay on one worker (they
share its emulator and converged stacks), and the files are handed out in the order `order_by_weight` puts them in.
xdist's default order (most tests first) started the files with few but long tests last (test_interruption's four
tests take ~13 min), so one worker ran them alone at the end. Longest first ("longest processing time first" list
scheduling) keeps the two workers' ends close: a file is at most as late as the heaviest file that starts before it.

WEIGHTS are the seconds a file took in the last measured CI run (setup + call + teardown of all its tests, from the
summary `report_by_file` prints at the end of every integration run; paste it in when the suite changes). A file not
listed weighs nothing and runs after the listed ones, in the collection order.
"""

from __future__ import annotations

from collections import defaultdict

# Measured on the fresh-clone CI of 2c232f2 (2 workers, beside molecule, with other jobs on the machine), rounded;
# test_interruption (which failed early there) from a run alone, scaled to that load.
WEIGHTS = {
    "test_interruption.py": 700,
    "test_destroy.py": 670,
    "test_site.py": 620,
    # Not from a CI run: measured alone beside other jobs (470 s and 556 s at load averages 7 and 9 on 2 cores).
    "test_efs_replication.py": 510,
    "test_restore.py": 330,
    "test_targets.py": 265,
    "test_alb_access_logs.py": 190,
    "test_network_endpoints.py": 170,
    "test_upgrade.py": 145,
    "test_restore_drill.py": 145,
    "test_agent_java.py": 125,
    "test_network_acl_order.py": 120,
    "test_images.py": 120,
    "test_installed_collection.py": 105,
    "test_metrics_scraper.py": 100,
    # Not measured on CI yet: alone on the dev machine (issue 19's scrape account).
    "test_metrics_scrape_account.py": 160,
    "test_prometheus_jenkins_scrape.py": 50,
    "test_keypair_rotation.py": 95,
    "test_housekeeping.py": 95,
    "test_jenkins_settings.py": 90,
    "test_pool_retire.py": 85,
    "test_faults_ssm.py": 75,
    "test_least_privilege.py": 75,
    "test_bake_contents.py": 70,
    "test_efs_storage.py": 60,
}


def file_of(nodeid):
    return nodeid.split("::", 1)[0]


def weight(nodeid):
    return WEIGHTS.get(file_of(nodeid).rsplit("/", 1)[-1], 0)


def order_by_weight(items):
    """The items with the heaviest files first; a file's own tests keep their order (they build on each other)."""
    position = {}
    for index, item in enumerate(items):
        position.setdefault(file_of(item.nodeid), index)
    items.sort(key=lambda item: (-weight(item.nodeid), position[file_of(item.nodeid)]))


def report_by_file(reports):
    """Lines of a summary: seconds per file and worker, the heaviest first, then each worker's total."""
    by_file = defaultdict(float)
    worker_of = {}
    by_worker = defaultdict(float)
    for report in reports:
        name = file_of(report.nodeid)
        seconds = getattr(report, "duration", 0.0) or 0.0
        by_file[name] += seconds
        worker = getattr(getattr(report, "node", None), "gateway", None)
        worker = getattr(worker, "id", None) or "main"
        worker_of[name] = worker
        by_worker[worker] += seconds
    lines = [
        "{0:8.1f}s  {1:<5} {2}".format(s, worker_of[f], f) for f, s in sorted(by_file.items(), key=lambda x: -x[1])
    ]
    lines += ["{0:8.1f}s  {1} in all".format(s, w) for w, s in sorted(by_worker.items())]
    return lines
