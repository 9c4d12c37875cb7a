# The analysts' workgroup: results encrypted with the analytics key in the athena-results bucket,
# the configuration enforced (a client cannot send results elsewhere or unencrypted), a per-query
# scan limit. The named queries are where an analyst starts.

resource "aws_athena_workgroup" "analytics" {
  name          = "${var.name_prefix}-analytics"
  description   = "Queries over the pseudonymised lake (${var.name_prefix})"
  force_destroy = var.force_destroy_workgroup

  configuration {
    enforce_workgroup_configuration    = true
    publish_cloudwatch_metrics_enabled = true
    bytes_scanned_cutoff_per_query     = var.athena_bytes_scanned_cutoff

    result_configuration {
      output_location = "s3://${var.athena_results_bucket_name}/results/"

      encryption_configuration {
        encryption_option = "SSE_KMS"
        kms_key_arn       = var.analytics_kms_key_arn
      }
    }
  }
}

locals {
  db = aws_glue_catalog_database.lake.name
  named_queries = {
    intakes_per_week_and_need = {
      description = "Submitted intakes per ISO week and need (an intake with two needs counts in both)"
      query       = <<-SQL
        SELECT date_trunc('week', from_iso8601_timestamp(submitted_at)) AS week,
               need,
               count(*) AS intakes
        FROM "${local.db}"."submissions"
        CROSS JOIN UNNEST(split(needs, '|')) AS t(need)
        WHERE need <> ''
        GROUP BY 1, 2
        ORDER BY 1 DESC, 3 DESC
      SQL
    }
    intakes_per_office = {
      description = "Submitted intakes, distinct people and mean household per office and month"
      query       = <<-SQL
        SELECT office,
               date_trunc('month', from_iso8601_timestamp(submitted_at)) AS month,
               count(*) AS intakes,
               count(DISTINCT nullif(person_key, '')) AS people,
               round(avg(try_cast(household_size AS integer)), 2) AS mean_household
        FROM "${local.db}"."submissions"
        GROUP BY 1, 2
        ORDER BY 2 DESC, 1
      SQL
    }
    intakes_per_nationality = {
      description = "Submitted intakes per nationality and age band over the last 12 months"
      query       = <<-SQL
        SELECT coalesce(nullif(nationality, ''), 'unknown') AS nationality,
               coalesce(nullif(age_band, ''), 'unknown') AS age_band,
               count(*) AS intakes
        FROM "${local.db}"."submissions"
        WHERE from_iso8601_timestamp(submitted_at) >= current_timestamp - INTERVAL '12' MONTH
        GROUP BY 1, 2
        ORDER BY 3 DESC
      SQL
    }
    demand_per_week = {
      description = "Staff-hours per week, office and workforce type (the series the forecast learns from)"
      query       = <<-SQL
        SELECT date_trunc('week', date(from_iso8601_date("timestamp"))) AS week,
               location AS office,
               workforce_type,
               round(sum(workforce_demand), 1) AS staff_hours
        FROM "${local.db}"."workforce_demand"
        GROUP BY 1, 2, 3
        ORDER BY 1 DESC, 2, 3
      SQL
    }
  }
}

resource "aws_athena_named_query" "analyst" {
  for_each = local.named_queries

  name        = each.key
  description = each.value.description
  workgroup   = aws_athena_workgroup.analytics.id
  database    = aws_glue_catalog_database.lake.name
  query       = each.value.query
}
