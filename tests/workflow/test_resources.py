"""One place for per-rule resources: the rules. Every rule that becomes a cluster job (not in
``localrules``) declares ``threads`` and ``resources: mem_mb, runtime``, and the Slurm profile
repeats none of them (a copy there would override the rule and drift from it)."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
RULES = sorted((ROOT / "workflow" / "rules").glob("*.smk"))


def _rules():
    """``{rule: (file, body)}`` and the set of local rules, read from the .smk text."""
    bodies, local = {}, set()
    for path in RULES:
        text = path.read_text()
        for block in re.finditer(r"^localrules:\n((?:[ \t]+\w+,?\n)+)", text, re.M):
            local |= set(re.findall(r"\w+", block.group(1)))
        parts = re.split(r"^(?:rule|checkpoint) (\w+):\n", text, flags=re.M)
        for name, body in zip(parts[1::2], parts[2::2]):
            bodies[name] = (path.name, body)
    return bodies, local


def test_every_cluster_rule_declares_threads_memory_and_runtime():
    bodies, local = _rules()
    assert len(bodies) > 40 and local <= set(bodies)
    missing = []
    for name, (path, body) in bodies.items():
        if name in local:
            continue
        resources = re.search(r"^    resources:\n((?:        .*\n)+)", body, re.M)
        keys = set(re.findall(r"(\w+)=", resources.group(1))) if resources else set()
        if not re.search(r"^    threads: ", body, re.M) or not {"mem_mb", "runtime"} <= keys:
            missing.append(f"{path}:{name}")
    assert missing == []


def test_slurm_profile_does_not_repeat_rule_resources():
    profile = yaml.safe_load((ROOT / "profiles" / "slurm" / "config.v8+.yaml").read_text())
    repeated = {rule: sorted(set(values) & {"mem_mb", "runtime", "threads", "cpus_per_task"})
                for rule, values in (profile.get("set-resources") or {}).items()}
    assert {rule: keys for rule, keys in repeated.items() if keys} == {}
    assert not profile.get("set-threads")
