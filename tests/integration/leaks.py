"""Secret values of a stack, read from the account with decryption, and the forms in which one could show up in
ansible-playbook output: as is, line by line (a PEM key printed wrapped or re-joined), JSON-escaped (a result dict),
base64 (what ansible.builtin.slurp returns)."""

from __future__ import annotations

import base64
import json
import re

MIN_FRAGMENT = 16


def stack_secrets(ssm, stack):
    """{parameter name: decrypted value} of every SecureString under /jenkins-ha/<stack>/."""
    names = [
        p["Name"]
        for page in ssm.get_paginator("describe_parameters").paginate(
            ParameterFilters=[
                {"Key": "Path", "Option": "Recursive", "Values": ["/jenkins-ha/" + stack]},
                {"Key": "Type", "Values": ["SecureString"]},
            ]
        )
        for p in page["Parameters"]
    ]
    return {name: ssm.get_parameter(Name=name, WithDecryption=True)["Parameter"]["Value"] for name in names}


def needles(value):
    """{string whose presence in output means `value` leaked: which form of it that is}."""
    value = value.strip()
    body = [line.strip() for line in value.splitlines() if line.strip() and not line.startswith("-----")]
    found = {value: "the value", json.dumps(value)[1:-1]: "JSON-escaped", "".join(body): "the joined lines"}
    found.update({line: "line {0}".format(n) for n, line in enumerate(body, 1) if len(line) >= MIN_FRAGMENT})
    for raw, form in ((value, "base64"), (value + "\n", "base64 with a newline")):
        found[base64.b64encode(raw.encode()).decode()] = form
    return {n: form for n, form in found.items() if len(n) >= min(MIN_FRAGMENT, len(value))}


def leaks(output, secrets):
    """[(parameter name, form)] of every secret value found in output (the value itself is not repeated)."""
    return sorted(
        {(name, form) for name, value in secrets.items() for needle, form in needles(value).items() if needle in output}
    )


def undecrypted(ssm, names):
    """{name: what GetParameter returns for it with WithDecryption=False}. On AWS that is the KMS ciphertext; moto
    returns "kms:<key id>:<plaintext>" instead (its SecureString is not encrypted)."""
    return {name: ssm.get_parameter(Name=name, WithDecryption=False)["Parameter"]["Value"] for name in names}


def task_leaks(output, secrets, ciphertexts):
    """Leaks per task of an ansible-playbook output: ({task header: [(name, form)]} of real leaks,
    {task header: [names]} where a secret shows only inside moto's stand-in for its ciphertext, which on AWS would
    print the KMS ciphertext and no secret: every occurrence of the value's first line is the tail of the
    "kms:<key id>:" form)."""
    real, artefacts = {}, {}
    for section in re.split(r"(?m)^(?=TASK \[)", output):
        header = section.split("\n", 1)[0].rstrip(" *")
        for name, form in leaks(section, secrets):
            value, stand_in = secrets[name].strip(), ciphertexts.get(name, "")
            first, stand_in_first = value.splitlines()[0], stand_in.strip().splitlines()[0] if stand_in else None
            moto_form = bool(stand_in_first) and stand_in.startswith("kms:") and stand_in.strip().endswith(value)
            if moto_form and section.count(first) == section.count(stand_in_first):
                artefacts.setdefault(header, set()).add(name)
            else:
                real.setdefault(header, []).append((name, form))
    return real, {header: sorted(names) for header, names in artefacts.items()}
