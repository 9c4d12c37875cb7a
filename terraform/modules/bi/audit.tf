# The audit trail, queryable from Athena next to the lake: a table over events/ of the landing
# zone's audit bucket (one JSON line per object, docs/audit.md). Not partitioned: Athena reads
# every object under the location, the intake_id=<id>/ folders included; a question about one
# intake filters on the intake_id column (acogida privacy audit reads that intake's prefix
# directly instead). Reading it needs s3:GetObject on the audit bucket and kms:Decrypt on the
# audit key, which only the people who audit are given (no function here reads it).

resource "aws_glue_catalog_table" "audit_events" {
  name          = "audit_events"
  database_name = aws_glue_catalog_database.lake.name
  description   = "Audit trail: one row per action on a person's record (who, what, which intake, when, from where; never the data)"
  table_type    = "EXTERNAL_TABLE"

  parameters = {
    classification = "json"
  }

  storage_descriptor {
    location      = "s3://${var.audit_bucket_name}/${local.audit_events_prefix}"
    input_format  = "org.apache.hadoop.mapred.TextInputFormat"
    output_format = "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat"

    ser_de_info {
      # The OpenX SerDe: details' numbers, booleans and lists read as strings of the map.
      serialization_library = "org.openx.data.jsonserde.JsonSerDe"
      parameters = {
        "ignore.malformed.json" = "false"
      }
    }

    # The fields of acogida.privacy.audit.AuditEvent.to_json, in its order.
    dynamic "columns" {
      for_each = [
        ["event_id", "string"], ["at", "string"], ["action", "string"], ["outcome", "string"],
        ["actor", "string"], ["actor_groups", "array<string>"], ["actor_office", "string"],
        ["intake_id", "string"], ["office", "string"], ["source", "string"], ["request_id", "string"],
        ["details", "map<string,string>"],
      ]
      content {
        name = columns.value[0]
        type = columns.value[1]
      }
    }
  }
}

locals {
  audit_queries = {
    audit_history_of_an_intake = {
      description = "Every audit event of one intake, oldest first (replace the id)"
      query       = <<-SQL
        SELECT at, action, outcome, actor, actor_office, office, source, request_id, details
        FROM "${local.db}"."audit_events"
        WHERE intake_id = '00000000000000000000000000000000'
        ORDER BY at, event_id
      SQL
    }
    audit_refusals_across_offices = {
      description = "Refused actions in the last 30 days by user and office: attempts on another office's records show here"
      query       = <<-SQL
        SELECT actor, actor_office, action, details['error'] AS error, count(*) AS refusals,
               min(at) AS first_at, max(at) AS last_at
        FROM "${local.db}"."audit_events"
        WHERE outcome = 'refused'
          AND from_iso8601_timestamp(at) >= current_timestamp - INTERVAL '30' DAY
        GROUP BY 1, 2, 3, 4
        ORDER BY refusals DESC
      SQL
    }
    audit_reads_per_user = {
      description = "Records read or listed per user and day"
      query       = <<-SQL
        SELECT date(from_iso8601_timestamp(at)) AS day, actor, actor_office,
               count_if(action = 'read') AS records_read,
               sum(CASE WHEN action = 'list' THEN try_cast(details['count'] AS integer) ELSE 0 END) AS records_listed
        FROM "${local.db}"."audit_events"
        WHERE outcome = 'ok' AND action IN ('read', 'list')
        GROUP BY 1, 2, 3
        ORDER BY 1 DESC, 4 DESC
      SQL
    }
  }
}

resource "aws_athena_named_query" "audit" {
  for_each = local.audit_queries

  name        = each.key
  description = each.value.description
  workgroup   = aws_athena_workgroup.analytics.id
  database    = aws_glue_catalog_database.lake.name
  query       = each.value.query
}
