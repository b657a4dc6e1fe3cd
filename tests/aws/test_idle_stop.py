"""howto/idle-stop.md: an Amazon CloudWatch alarm, tagged with the reader's owner tag, that stops
the reader's analysis-box after an hour under 5% CPU; a second paste replaces it; the clean-up,
from a new terminal, deletes the reader's alarm and leaves a colleague's."""

from conftest import EMULATED_READER, OWNER_TAG, REGION
from shown_outputs import outputs_test
from test_restrict_ssh import launch_analysis_box

test_outputs = outputs_test("idle-stop")  # the tour up to this guide: its outputs, checked or refreshed

ALARM = f"crashcourse-idle-stop-{EMULATED_READER}"
COLLEAGUES = "crashcourse-idle-stop-colleague"


def test_idle_stop(guide):
    g = guide("idle-stop")
    ec2, box_id = launch_analysis_box(g)
    cloudwatch = g.client("cloudwatch")
    cloudwatch.put_metric_alarm(  # a colleague's alarm of the same kind, in the same account
        AlarmName=COLLEAGUES, Namespace="AWS/EC2", MetricName="CPUUtilization", Statistic="Average",
        Period=300, EvaluationPeriods=12, Threshold=5, ComparisonOperator="LessThanThreshold",
        Tags=[{"Key": "crashcourse:owner", "Value": "AIDAANOTHERREADER"}])
    g.run()  # every emulated section of the .sh file except the clean-up ones, in order
    assert g.var("BOX_ID") == box_id
    assert g.outputs["set-names"].split() == [box_id, ALARM]

    (alarm,) = cloudwatch.describe_alarms(AlarmNames=[ALARM])["MetricAlarms"]
    assert (alarm["Namespace"], alarm["MetricName"], alarm["Statistic"]) == ("AWS/EC2", "CPUUtilization", "Average")
    assert alarm["Dimensions"] == [{"Name": "InstanceId", "Value": box_id}]
    assert (alarm["Period"], alarm["EvaluationPeriods"]) == (300, 12)  # one hour of five-minute periods
    assert (alarm["ComparisonOperator"], alarm["Threshold"]) == ("LessThanThreshold", 5.0)
    assert alarm["AlarmActions"] == [f"arn:aws:automate:{REGION}:ec2:stop"]
    assert cloudwatch.list_tags_for_resource(ResourceARN=alarm["AlarmArn"])["Tags"] == [OWNER_TAG]
    assert g.outputs["check"].split() == [ALARM, box_id, "300", "12", "LessThanThreshold", "5.0", f"arn:aws:automate:{REGION}:ec2:stop"]

    g.run()  # the page pasted again, in a new terminal: the same alarm, replaced, not a second one
    names = [a["AlarmName"] for a in cloudwatch.describe_alarms(AlarmNamePrefix="crashcourse-idle-stop-")["MetricAlarms"]]
    assert sorted(names) == [COLLEAGUES, ALARM]

    g.cleanup()  # the cleanup sections, in a new shell that has none of the page's variables
    left = cloudwatch.describe_alarms(AlarmNamePrefix="crashcourse-idle-stop-")["MetricAlarms"]
    assert [a["AlarmName"] for a in left] == [COLLEAGUES]  # the colleague's alarm is untouched
    assert g.outputs["cleanup"].split() == ["deleted", ALARM]
