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
    g.run()  # pasted twice: the same group, found, not a second one or an error
    assert g.outputs["create-log-group"] == f"{name} exists already, and is yours\n"
    assert len(logs.describe_log_groups(logGroupNamePrefix=name)["logGroups"]) == 1
    other = "crashcourse-logs-colleague"  # a colleague's log group, tagged with another owner: the clean-up keeps it
    logs.create_log_group(logGroupName=other, tags={"crashcourse:owner": "AIDAOTHERREADER"})
    g.cleanup()
    left = [x["logGroupName"] for x in logs.describe_log_groups(logGroupNamePrefix="crashcourse-logs-")["logGroups"]]
    assert left == [other]


def test_a_name_someone_else_took_is_not_the_readers(guide):
    """A colleague made a log group under the reader's name first: step 3 says it is not theirs."""
    g = guide("logs-retention")
    logs = g.client("logs")
    g.run()
    name = g.var("LOG_GROUP")
    logs.delete_log_group(logGroupName=name)
    logs.create_log_group(logGroupName=name, tags={"crashcourse:owner": "AIDAOTHERREADER"})
    g.run()
    assert g.outputs["create-log-group"] == f"{name} exists already, and is not yours: ask your administrator\n"
