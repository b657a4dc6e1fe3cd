"""Run howto/logs-retention.md against the emulator."""

from shown_outputs import outputs_test

test_outputs = outputs_test("logs-retention")  # the tour up to this guide: its outputs, checked or refreshed


def test_logs_retention(guide):
    g = guide("logs-retention")
    g.run()
    logs = g.client("logs")
    name = g.var("LOG_GROUP")
    assert name.startswith("crashcourse-logs-")
    groups = logs.describe_log_groups(logGroupNamePrefix=name)["logGroups"]
    assert [(x["logGroupName"], x.get("retentionInDays")) for x in groups] == [(name, 30)]
    tags = logs.list_tags_for_resource(resourceArn=groups[0]["logGroupArn"])["tags"]
    assert tags == {"crashcourse:owner": g.var("OWNER")}
    other = "crashcourse-logs-colleague"  # a colleague's log group, tagged with another owner: the clean-up keeps it
    logs.create_log_group(logGroupName=other, tags={"crashcourse:owner": "AIDAOTHERREADER"})
    g.cleanup()
    left = [x["logGroupName"] for x in logs.describe_log_groups(logGroupNamePrefix="crashcourse-logs-")["logGroups"]]
    assert left == [other]
