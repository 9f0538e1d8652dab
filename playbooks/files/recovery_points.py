#!/usr/bin/env python
"""Print, as JSON, the completed AWS Backup recovery points of one resource, newest first.

Used by playbooks/destroy.yml before it deletes JENKINS_HOME (no amazon.aws module lists recovery points).
Usage: recovery_points.py --region eu-west-1 --resource-arn arn:aws:elasticfilesystem:...:file-system/fs-...
"""

import argparse
import json

import boto3


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--region", required=True)
    parser.add_argument("--resource-arn", required=True)
    args = parser.parse_args()
    client = boto3.client("backup", region_name=args.region)
    points = []
    for page in client.get_paginator("list_recovery_points_by_resource").paginate(ResourceArn=args.resource_arn):
        points.extend(page.get("RecoveryPoints", []))
    completed = [p for p in points if p.get("Status", "COMPLETED") == "COMPLETED"]
    completed.sort(key=lambda p: p["CreationDate"], reverse=True)
    print(
        json.dumps(
            [
                {
                    "arn": p["RecoveryPointArn"],
                    "vault": p.get("BackupVaultName"),
                    "created": p["CreationDate"].isoformat(),
                    "epoch": p["CreationDate"].timestamp(),
                }
                for p in completed
            ]
        )
    )


if __name__ == "__main__":
    main()
