"""What a live run (tools/aws_live.py) may cost: an upper bound, from the commands it will paste
and the prices in figures.toml.

The snippet files are parsed, not run, by the permissions check's reader (tests/aws/permissions.py:
bashlex finds each `aws` command, botocore names its operation and parameters, and the values the
snippets assign fill in variables such as `$BOX_TYPE`). Each command that makes something that
bills by the hour or by the GB-month is priced as if it lived for the whole time limit:

* `run-instances`: an instance of its type (`<type>_price`, a Spot request priced On-Demand) and
  its public IPv4 address (`ipv4_price`: a default subnet gives every instance one); its root
  volume is named, not priced;
* `create-volume`, `modify-volume`: each size a volume is given, at its type's price
  (`ebs_<type>_price`);
* `create-snapshot`: at most the largest volume's size (`ebs_snapshot_price`);
* `allocate-address` (`ipv4_price`) and `create-nat-gateway` (`nat_hour`);
* an AWS Batch compute environment on AWS Fargate: its `maxvCpus` busy all the time
  (`fargate_vcpu_price`, Fargate Spot priced On-Demand), with the memory its job definitions ask
  per vCPU, the most of them (`fargate_gb_price`).

A price per GB-month is turned into a price per hour over the shortest month, 28 days, which can
only raise the estimate. What else bills but has no figure (UNPRICED) is named, not priced.
Every price is us-east-1's, as figures.toml gives it.
"""

from __future__ import annotations

import json
import math
import re
import tomllib
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_UP, Decimal
from pathlib import Path

from permissions import expand, resolve, shell_calls

ROOT = Path(__file__).resolve().parents[1]
FIGURES = ROOT / "figures.toml"
HOURS_IN_SHORTEST_MONTH = 28 * 24  # a GB-month prorated over February: the most an hour can cost
# What bills but has no price in figures.toml, and why it is small for a run of a few hours.
UNPRICED = {
    "RunInstances": "the root volume each instance gets, whose size its image sets (a few GB)",
    "CreateFileSystem": "Amazon EFS storage of a few small files",
    "CreateBucket": "Amazon S3 storage and requests for a few megabytes",
    "PutMetricAlarm": "a CloudWatch alarm, billed by the alarm-month, for a few hours",
    "CreateLogGroup": "CloudWatch Logs storage of a few lines",
}
UNITS = {"hour": "USD per hour", "address-hour": "USD per address-hour", "GB-month": "USD per GB-month",
         "vCPU-hour": "USD per vCPU-hour", "GB-hour": "USD per GB-hour"}


class CostError(ValueError):
    """The plan makes something this module cannot price from figures.toml."""


@dataclass
class Item:
    figure: str  # its name in figures.toml
    what: str
    per: str  # "hour", "address-hour" or "GB-month"
    quantity: int = 0  # instances, addresses, gateways, or GB
    where: list[str] = field(default_factory=list)


@dataclass
class Estimate:
    hours: float
    items: list[Item]
    unpriced: dict[str, list[str]]  # operation -> where
    prices: dict[str, Decimal]  # figure -> USD per its unit

    def cost(self, item: Item) -> Decimal:
        hours = Decimal(str(self.hours))
        if item.per == "GB-month":
            hours /= HOURS_IN_SHORTEST_MONTH
        return self.prices[item.figure] * item.quantity * hours

    @property
    def total(self) -> Decimal:
        return sum((self.cost(i) for i in self.items), Decimal(0)).quantize(Decimal("0.01"), rounding=ROUND_UP)

    def lines(self) -> list[str]:
        out = [f"Estimated cost: at most ${self.total} (an upper bound: everything the plan makes, kept for the "
               f"whole time limit of {self.hours:g} hours, at us-east-1's prices in figures.toml)"]
        for i in self.items:
            out.append(f"  {i.what} x {i.quantity} at ${self.prices[i.figure]} per {i.per} ({i.figure}): "
                       f"${self.cost(i).quantize(Decimal('0.0001'), rounding=ROUND_UP)}  [{', '.join(i.where)}]")
        for operation, where in sorted(self.unpriced.items()):
            out.append(f"  not priced: {operation} x {len(where)}, {UNPRICED[operation]}  [{', '.join(where)}]")
        return out


def price(figures: dict, name: str, per: str, where: str) -> Decimal:
    """A price from figures.toml, in US dollars per `per`, checked against the figure's unit."""
    if name not in figures:
        raise CostError(f"{where}: no figure prices this: add [{name}] to figures.toml")
    figure = figures[name]
    if figure.get("unit") != UNITS[per]:
        raise CostError(f"figures.toml [{name}]: unit {figure.get('unit')!r}, not {UNITS[per]!r}")
    found = re.search(r"\$([0-9][0-9,]*(?:\.[0-9]+)?)", figure["value"])
    if not found:
        raise CostError(f"figures.toml [{name}]: no dollar amount in {figure['value']!r}")
    return Decimal(found[1].replace(",", ""))


def known(value, what: str, where: str) -> str:
    if not isinstance(value, str) or "$" in value:
        raise CostError(f"{where}: cannot tell the {what} ({value!r}) from the snippets")
    return value


def estimate(files: list[Path], hours: float, figures_file: Path = FIGURES) -> Estimate:
    """The most the commands in `files` can cost if everything they make lives `hours` hours."""
    figures = tomllib.loads(figures_file.read_text())
    per_file: dict = {}
    calls = [c for path in files for c in shell_calls(path, per_file)]
    envs, _ = resolve(calls, per_file)
    items: dict[str, Item] = {}
    unpriced: dict[str, list[str]] = defaultdict(list)
    prices: dict[str, Decimal] = {}
    volume_types: dict[Path, str] = {}
    sizes: list[int] = []
    snapshots: list[str] = []
    fargate: list[tuple[int, str]] = []  # each Fargate compute environment's maxvCpus, and where
    gb_per_vcpu: list[float] = []  # what each job definition asks

    def add(figure: str, what: str, per: str, quantity: int, where: str) -> None:
        prices[figure] = price(figures, figure, per, where)
        item = items.setdefault(f"{figure} {what}", Item(figure, what, per))
        item.quantity += quantity
        item.where.append(where)

    for call in calls:
        params = expand(call.params, envs[call.file])
        if call.operation == "RunInstances":
            kind = known(params.get("InstanceType"), "instance type", call.where)
            add(f"{kind.replace('.', '_')}_price", f"{kind} instance", "hour", 1, call.where)
            add("ipv4_price", "public IPv4 address", "address-hour", 1, call.where)
            unpriced[call.operation].append(call.where)
        elif call.operation in ("CreateVolume", "ModifyVolume"):
            kind = params.get("VolumeType") or volume_types.get(call.file, "gp2")  # gp2: CreateVolume's default
            volume_types[call.file] = kind = known(kind, "volume type", call.where)
            size = int(known(params.get("Size"), "volume size", call.where))
            sizes.append(size)
            add(f"ebs_{kind}_price", f"GB of {kind} volume", "GB-month", size, call.where)
        elif call.operation == "CreateSnapshot":
            snapshots.append(call.where)
        elif call.operation == "AllocateAddress":
            add("ipv4_price", "public IPv4 address", "address-hour", 1, call.where)
        elif call.operation == "CreateNatGateway":
            add("nat_hour", "NAT gateway", "hour", 1, call.where)
        elif call.operation == "CreateComputeEnvironment":
            resources = params.get("computeResources")  # JSON, or JSON with shell variables in it: read, not parsed
            resources = resources if isinstance(resources, str) else json.dumps(resources)
            kind, most = re.search(r'"?type"?\s*[:=]\s*"?(\w+)', resources), re.search(r'"?maxvCpus"?\s*[:=]\s*(\d+)', resources)
            if not (kind and most and kind[1].startswith("FARGATE")):
                raise CostError(f"{call.where}: cannot price this compute environment (only Fargate's, with its maxvCpus)")
            fargate.append((int(most[1]), call.where))
        elif call.operation == "RegisterJobDefinition":
            needs = {r.get("type"): float(r.get("value", 0)) for r in
                     (params.get("containerProperties") or {}).get("resourceRequirements", []) if isinstance(r, dict)}
            if needs.get("VCPU") and needs.get("MEMORY"):
                gb_per_vcpu.append(needs["MEMORY"] / 1024 / needs["VCPU"])  # MEMORY is in MiB
        elif call.operation in UNPRICED:
            unpriced[call.operation].append(call.where)
    for where in snapshots:  # a snapshot holds at most what its volume holds
        add("ebs_snapshot_price", "GB of snapshot", "GB-month", max(sizes, default=0), where)
    for vcpus, where in fargate:
        if not gb_per_vcpu:
            raise CostError(f"{where}: no job definition says how much memory its jobs take per vCPU")
        add("fargate_vcpu_price", "Fargate vCPU (AWS Batch)", "vCPU-hour", vcpus, where)
        add("fargate_gb_price", "GB of Fargate memory (AWS Batch)", "GB-hour", math.ceil(vcpus * max(gb_per_vcpu)), where)
    return Estimate(hours, list(items.values()), dict(unpriced), prices)
