"""The emulator corrected where it answers differently from AWS: rules/divergences.toml's corrections.

Each entry of rules/divergences.toml that has a `correction` names a function here. `apply()` runs
them all in the emulator's process (tests/aws/motofork.py, before it builds the warm account), so
every client, the AWS CLI the tour pastes into and the tests' boto3 alike, sees AWS's answer:
`DeleteSecurityGroup` returns `Return` and `GroupId`, a launch without a group gets the VPC's
default group, and so on. A correction changes moto's code or data, never an output file.

Each correction calls `fired(name)` when it changes an answer. The forked emulator of each test
writes those names, one a line, to the file `log_to()` gave it; the tour reads them after each
block it pastes (`motofork.fired()`), and UPDATE_OUTPUTS=1 records, in the outputs' provenance,
which corrections changed each shown output (`_ext/provenance.py`). tests/test_divergences.py,
in `nox -s check`, fails on an entry whose correction no output records: an unused entry.

Only the standard library at import: `nox -s check` reads CORRECTIONS without moto.
"""

from __future__ import annotations

import functools
import tomllib
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[2]
REGISTRY = ROOT / "rules" / "divergences.toml"
REQUIRED = ("service", "operation", "emulator", "aws", "source")
TOUR_REGION = "eu-west-2"  # the reader's Region in the tour (tour.READER_VALUES), shown as us-east-1

CORRECTIONS: dict[str, Callable[[], None]] = {}
_LOG: list[Path] = []  # the file this emulator process writes fired corrections to, once set


def entries(path: Path = REGISTRY) -> list[dict]:
    return tomllib.loads(path.read_text()).get("divergence", [])


def correction(function: Callable[[], None]) -> Callable[[], None]:
    CORRECTIONS[function.__name__] = function
    return function


def log_to(path: Path) -> None:
    """Where this process (one test's forked emulator) writes the corrections that fire (emptied first:
    an earlier emulator may have served the same port)."""
    _LOG[:] = [Path(path)]
    _LOG[0].write_text("")


def fired(name: str) -> None:
    if _LOG:
        with _LOG[0].open("a") as log:
            log.write(name + "\n")


def apply(path: Path = REGISTRY) -> list[str]:
    """Apply every correction the registry names, once per process; return their names."""
    names = [e["correction"] for e in entries(path) if e.get("correction")]
    for name in names:
        _once(name)
    return names


@functools.cache
def _once(name: str) -> None:
    CORRECTIONS[name]()


def _wrap(owner, attribute: str, make):
    """Replace `owner.attribute` by `make(original)`."""
    setattr(owner, attribute, make(getattr(owner, attribute)))


# -- The corrections -------------------------------------------------------------------------------

@correction
def delete_security_group_result() -> None:
    """DeleteSecurityGroup answers with Return and the group's GroupId (botocore's output shape)."""
    from moto.core.responses import ActionResult
    from moto.ec2.responses.security_groups import SecurityGroups

    def make(original):
        def delete_security_group(self):
            group_id = self._get_param("GroupId")
            if not group_id and (name := self._get_param("GroupName")):
                found = self.ec2_backend.get_security_group_from_name(name)
                group_id = found.id if found else None
            original(self)
            fired("delete_security_group_result")
            return ActionResult({"Return": True, "GroupId": group_id})
        return delete_security_group

    _wrap(SecurityGroups, "delete_security_group", make)


@correction
def budget_thresholds_as_doubles() -> None:
    """A notification's Threshold is a Double: AWS answers 80.0 for 80."""
    import json

    from moto.budgets.responses import BudgetsResponse

    def make(original):
        def describe_notifications_for_budget(self):
            answer = json.loads(original(self))
            changed = False
            for notification in answer.get("Notifications") or []:
                if isinstance(notification.get("Threshold"), int):
                    notification["Threshold"] = float(notification["Threshold"])
                    changed = True
            if changed:
                fired("budget_thresholds_as_doubles")
            return json.dumps(answer)
        return describe_notifications_for_budget

    _wrap(BudgetsResponse, "describe_notifications_for_budget", make)


@correction
def default_security_group_on_launch() -> None:
    """An instance launched without a security group gets its VPC's default group."""
    from moto.ec2.models.instances import InstanceBackend

    def make(original):
        def run_instances(self, image_id, count, user_data, security_group_names, **kwargs):
            named = security_group_names or kwargs.get("security_group_ids")
            in_interfaces = any(nic.get("Groups") or nic.get("SecurityGroupId") for nic in kwargs.get("nics") or [])
            if not named and not in_interfaces and not kwargs.get("launch_template"):
                subnet_id = kwargs.get("subnet_id") or next(
                    (nic.get("SubnetId") for nic in kwargs.get("nics") or [] if nic.get("SubnetId")), None)
                vpc_id = self.get_subnet(subnet_id).vpc_id if subnet_id else getattr(self.get_default_vpc(), "id", None)
                group = self.get_security_group_from_name("default", vpc_id=vpc_id) if vpc_id else None
                if group is not None:
                    kwargs["security_group_ids"] = [group.id]
                    fired("default_security_group_on_launch")
            return original(self, image_id, count, user_data, security_group_names, **kwargs)
        return run_instances

    _wrap(InstanceBackend, "run_instances", make)


@correction
def default_security_group_self_rule() -> None:
    """A VPC's default security group allows all inbound traffic from the group itself."""
    from moto.ec2.models.security_groups import SecurityGroupBackend

    def make_create(original):
        def create_security_group(self, name, description, vpc_id=None, tags=None, force=False, is_default=None):
            group = original(self, name, description, vpc_id=vpc_id, tags=tags, force=force, is_default=is_default)
            if is_default and vpc_id:
                self.authorize_security_group_ingress(group.id, "-1", "-1", "-1", [],
                                                      source_groups=[{"GroupId": group.id}], vpc_id=vpc_id)
            return group
        return create_security_group

    def make_rules(original):
        def describe_security_group_rules(self, sg_rule_ids, filters):
            rules = original(self, sg_rule_ids, filters)
            defaults = {g.id for groups in self.groups.values() for g in groups.values() if g.is_default}
            if any(not rule.is_egress and rule.group_id in defaults for rule in rules):
                fired("default_security_group_self_rule")
            return rules
        return describe_security_group_rules

    _wrap(SecurityGroupBackend, "create_security_group", make_create)
    _wrap(SecurityGroupBackend, "describe_security_group_rules", make_rules)


@correction
def six_zones_in_the_tour_region() -> None:
    """The tour's Region, shown as us-east-1, has us-east-1's six zones (and so six default subnets)."""
    from moto.ec2.models.availability_zones_and_regions import RegionsAndZonesBackend, Zone
    from moto.ec2.responses.availability_zones_and_regions import AvailabilityZonesAndRegions

    zones = RegionsAndZonesBackend.zones[TOUR_REGION]
    for letter, number in zip("def", (4, 5, 6)):
        if not any(z.name == f"{TOUR_REGION}{letter}" for z in zones):
            zones.append(Zone(region_name=TOUR_REGION, name=f"{TOUR_REGION}{letter}", zone_id=f"euw2-az{number}"))

    def make(original):
        def describe_availability_zones(self):  # the API's answer: moto's own lookups are left out
            if self.region == TOUR_REGION and not (self._get_param("ZoneNames") or self._get_param("ZoneIds")
                                                   or self._filters_from_querystring()):
                fired("six_zones_in_the_tour_region")
            return original(self)
        return describe_availability_zones

    _wrap(AvailabilityZonesAndRegions, "describe_availability_zones", make)


@correction
def volume_modification_optimizing() -> None:
    """A size modification is usable from `optimizing`, which it reaches within seconds and keeps a while."""
    from moto.ec2.models.elastic_block_store import EBSBackend, VolumeModification

    VolumeModification.modification_state = property(lambda self: "optimizing")

    def make(original):
        def describe_volumes_modifications(self, volume_ids=None, filters=None):
            found = original(self, volume_ids=volume_ids, filters=filters)
            if found:
                fired("volume_modification_optimizing")
            return found
        return describe_volumes_modifications

    _wrap(EBSBackend, "describe_volumes_modifications", make)


@correction
def instance_types_unsorted() -> None:
    """AWS does not sort instance types: the emulator answers in reverse order, so no page relies on one."""
    from moto.ec2.models.instance_types import InstanceTypeBackend

    def make(original):
        def describe_instance_types(self, instance_types=None, filters=None):
            found = list(original(self, instance_types=instance_types, filters=filters))
            if len(found) > 1:
                fired("instance_types_unsorted")
            return found[::-1]
        return describe_instance_types

    _wrap(InstanceTypeBackend, "describe_instance_types", make)
