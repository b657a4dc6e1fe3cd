"""howto/choose-region.md: Regions, the default Region, and zone names mapped to AZ IDs."""

import configparser
from shown_outputs import outputs_test

test_outputs = outputs_test("choose-region")  # its shown outputs (shown_outputs.py)


def test_choose_region(guide):
    g = guide("choose-region")
    g.run()
    ec2 = g.client("ec2")

    regions = g.outputs["list-regions"].split()
    assert "us-east-1" in regions and "eu-west-1" in regions

    # `aws configure set region` wrote the default Region into the reader's config file.
    config = configparser.ConfigParser()
    config.read(g.workdir / "config")
    assert config["default"]["region"] == "us-east-1"
    assert g.outputs["set-region"].strip() == "us-east-1"

    # The table lists every zone of the Region, each with its AZ ID.
    zones = ec2.describe_availability_zones()["AvailabilityZones"]
    assert len(zones) >= 3
    for zone in zones:
        assert zone["ZoneName"] in g.outputs["list-zones"]
        assert zone["ZoneId"] in g.outputs["list-zones"]

    # Name -> ID and ID -> name agree with what the emulator's account maps.
    by_name = {z["ZoneName"]: z["ZoneId"] for z in zones}
    by_id = {z["ZoneId"]: z["ZoneName"] for z in zones}
    first, second = zones[0], zones[1]
    assert g.outputs["name-to-id"].split() == [by_name[first["ZoneName"]]]
    assert g.outputs["id-to-name"].split() == [by_id[second["ZoneId"]]]

    printed = g.run_python()
    assert f"{len(regions)} Regions enabled" in printed
    assert all(f"{name} -> {zone_id}" in printed for name, zone_id in by_name.items())
