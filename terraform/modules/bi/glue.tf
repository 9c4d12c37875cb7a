# The catalogue, the crawler over raw/submissions/ and the workforce_demand Spark job.
#
# The job's code is two objects in the artifacts bucket: the thin entry point
# (src/glue-jobs/workforce_demand/job.py) and a zip of the acogida package's transformation
# (built by acogida.infra.glue_package before every plan; --extra-py-files). Both are uploaded
# with their content hash, so a changed transformation re-uploads and nothing else moves.

locals {
  glue_code_prefix = "glue/code/"
  glue_temp_prefix = "glue/temp/"
  job_script_key   = "${local.glue_code_prefix}workforce_demand/job.py"
  job_package_key  = "${local.glue_code_prefix}acogida-glue.zip"
  job_name         = "${var.name_prefix}-workforce-demand"
}

resource "aws_glue_catalog_database" "lake" {
  name        = "${local.catalog_name}_lake"
  description = "Pseudonymised intake analytics (${var.name_prefix}): submissions (raw, crawled) and workforce demand (curated)"
}

resource "aws_glue_security_configuration" "lake" {
  name = "${var.name_prefix}-lake"

  encryption_configuration {
    cloudwatch_encryption {
      cloudwatch_encryption_mode = "SSE-KMS"
      kms_key_arn                = var.analytics_kms_key_arn
    }
    job_bookmarks_encryption {
      job_bookmarks_encryption_mode = "CSE-KMS"
      kms_key_arn                   = var.analytics_kms_key_arn
    }
    s3_encryption {
      s3_encryption_mode = "SSE-KMS"
      kms_key_arn        = var.s3_kms_key_arn
    }
  }
}

# --- Crawler: the submissions table and its dt= partitions ---------------------------------------

resource "aws_glue_crawler" "submissions" {
  name                   = "${var.name_prefix}-submissions"
  description            = "Catalogues raw/submissions/ (pseudonymised intakes, partitioned by dt=YYYY-MM-DD)"
  database_name          = aws_glue_catalog_database.lake.name
  role                   = aws_iam_role.glue.arn
  security_configuration = aws_glue_security_configuration.lake.name
  schedule               = var.crawler_schedule

  s3_target {
    path       = "s3://${var.raw_bucket_name}/${local.submissions_prefix}"
    exclusions = ["**/_SUCCESS", "**/*.tmp"]
  }

  # New dt= folders only: the schema is fixed by the export, so a full re-crawl finds nothing new.
  recrawl_policy {
    recrawl_behavior = "CRAWL_NEW_FOLDERS_ONLY"
  }

  schema_change_policy {
    update_behavior = "LOG"
    delete_behavior = "LOG"
  }

  configuration = jsonencode({
    Version = 1.0
    Grouping = {
      # One table for every dt= folder, however the CSV files inside vary in size.
      TableGroupingPolicy = "CombineCompatibleSchemas"
    }
    CrawlerOutput = {
      Partitions = { AddOrUpdateBehavior = "InheritFromTable" }
    }
  })
}

# --- The curated demand table (its schema is the job's contract, so it is declared, not crawled) ---

resource "aws_glue_catalog_table" "workforce_demand" {
  name          = "workforce_demand"
  database_name = aws_glue_catalog_database.lake.name
  description   = "Daily staff-hours per location and workforce type (Amazon Forecast WORK_FORCE target schema)"
  table_type    = "EXTERNAL_TABLE"

  parameters = {
    classification = "parquet"
  }

  storage_descriptor {
    location      = "s3://${var.curated_bucket_name}/${local.demand_prefix}parquet/"
    input_format  = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat"
    output_format = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat"

    ser_de_info {
      serialization_library = "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"
    }

    columns {
      name    = "timestamp"
      type    = "string"
      comment = "day, yyyy-MM-dd, the office's local date"
    }
    columns {
      name = "workforce_type"
      type = "string"
    }
    columns {
      name    = "workforce_demand"
      type    = "double"
      comment = "staff-hours"
    }
    columns {
      name    = "location"
      type    = "string"
      comment = "office"
    }
  }
}

# --- The Spark job --------------------------------------------------------------------------------

resource "aws_s3_object" "job_script" {
  bucket      = var.artifacts_bucket_name
  key         = local.job_script_key
  source      = var.glue_job_script_path
  source_hash = filemd5(var.glue_job_script_path)
  kms_key_id  = var.s3_kms_key_arn
}

resource "aws_s3_object" "job_package" {
  bucket      = var.artifacts_bucket_name
  key         = local.job_package_key
  source      = var.glue_package_path
  source_hash = filemd5(var.glue_package_path)
  kms_key_id  = var.s3_kms_key_arn
}

resource "aws_glue_job" "workforce_demand" {
  name                   = local.job_name
  description            = "raw/submissions/ -> curated/demand/ (daily staff-hours per office and workforce type, CSV for Forecast and Parquet)"
  role_arn               = aws_iam_role.glue.arn
  glue_version           = "5.0" # Spark 3.5.4, Python 3.11: what acogida etl runs locally
  worker_type            = var.glue_worker_type
  number_of_workers      = var.glue_number_of_workers
  timeout                = 60
  max_retries            = 1
  execution_class        = "STANDARD"
  security_configuration = aws_glue_security_configuration.lake.name

  command {
    name            = "glueetl"
    script_location = "s3://${var.artifacts_bucket_name}/${aws_s3_object.job_script.key}"
    python_version  = "3"
  }

  execution_property {
    max_concurrent_runs = 1 # the job rewrites curated/demand/: two runs at once would race
  }

  default_arguments = {
    "--job-language"                     = "python"
    "--job-bookmark-option"              = "job-bookmark-enable"
    "--extra-py-files"                   = "s3://${var.artifacts_bucket_name}/${aws_s3_object.job_package.key}"
    "--TempDir"                          = "s3://${var.artifacts_bucket_name}/${local.glue_temp_prefix}"
    "--enable-metrics"                   = "true"
    "--enable-continuous-cloudwatch-log" = "true"
    "--enable-job-insights"              = "true"
    "--raw_path"                         = "s3://${var.raw_bucket_name}/${local.submissions_prefix}"
    "--curated_path"                     = "s3://${var.curated_bucket_name}"
  }
}

# Daily, after the crawler: the pipeline (module ml) also starts the job on demand.
resource "aws_glue_trigger" "workforce_demand_daily" {
  name     = "${local.job_name}-daily"
  type     = "SCHEDULED"
  schedule = var.etl_schedule
  enabled  = var.etl_schedule_enabled

  actions {
    job_name = aws_glue_job.workforce_demand.name
  }
}

# Where the forecast pipeline publishes its forecasts for analysts (module ml writes the rows):
# declared here with the lake so QuickSight and Athena read forecasts next to history.
resource "aws_glue_catalog_table" "published_forecasts" {
  name          = "published_forecasts"
  database_name = aws_glue_catalog_database.lake.name
  description   = "Published daily forecasts: p10/p50/p90 staff-hours per location and workforce type"
  table_type    = "EXTERNAL_TABLE"

  parameters = {
    classification = "parquet"
  }

  storage_descriptor {
    location      = "s3://${var.curated_bucket_name}/${local.forecasts_prefix}"
    input_format  = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat"
    output_format = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat"

    ser_de_info {
      serialization_library = "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"
    }

    dynamic "columns" {
      for_each = [
        ["timestamp", "string"], ["workforce_type", "string"], ["location", "string"],
        ["p10", "double"], ["p50", "double"], ["p90", "double"], ["model", "string"], ["published_at", "string"],
      ]
      content {
        name = columns.value[0]
        type = columns.value[1]
      }
    }
  }
}
