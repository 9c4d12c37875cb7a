# QuickSight (quicksight_enabled; it needs an account subscription, so it is off by default and in
# local mode): the Athena data source over the analytics workgroup, three datasets (submissions,
# demand, published forecasts), the analysts group with read access to all of it, and the
# coordinator dashboard: demand per week and workforce type, intakes per week and office, and
# the published forecast band.

locals {
  quicksight_count = var.quicksight_enabled ? 1 : 0
  quicksight_id    = "${var.name_prefix}-lake"

  quicksight_datasets = {
    submissions = {
      name = "Acogida submissions (${var.name_prefix})"
      sql  = <<-SQL
        SELECT intake_id, from_iso8601_timestamp(submitted_at) AS submitted_at, office, municipality, province,
               nationality, age_band, try_cast(household_size AS integer) AS household_size, needs,
               document_type, person_key, try_cast(duration_s AS integer) AS duration_s
        FROM "${aws_glue_catalog_database.lake.name}"."submissions"
      SQL
      columns = [
        ["intake_id", "STRING"], ["submitted_at", "DATETIME"], ["office", "STRING"], ["municipality", "STRING"],
        ["province", "STRING"], ["nationality", "STRING"], ["age_band", "STRING"], ["household_size", "INTEGER"],
        ["needs", "STRING"], ["document_type", "STRING"], ["person_key", "STRING"], ["duration_s", "INTEGER"],
      ]
    }
    demand = {
      name    = "Acogida workforce demand (${var.name_prefix})"
      sql     = <<-SQL
        SELECT date(from_iso8601_date("timestamp")) AS day, workforce_type, workforce_demand, location
        FROM "${aws_glue_catalog_database.lake.name}"."workforce_demand"
      SQL
      columns = [["day", "DATETIME"], ["workforce_type", "STRING"], ["workforce_demand", "DECIMAL"], ["location", "STRING"]]
    }
    forecasts = {
      name = "Acogida published forecasts (${var.name_prefix})"
      sql  = <<-SQL
        SELECT date(from_iso8601_date("timestamp")) AS day, workforce_type, location, p10, p50, p90, model
        FROM "${aws_glue_catalog_database.lake.name}"."published_forecasts"
      SQL
      columns = [
        ["day", "DATETIME"], ["workforce_type", "STRING"], ["location", "STRING"], ["p10", "DECIMAL"],
        ["p50", "DECIMAL"], ["p90", "DECIMAL"], ["model", "STRING"],
      ]
    }
  }

  quicksight_read_actions = {
    data_source = ["quicksight:DescribeDataSource", "quicksight:DescribeDataSourcePermissions", "quicksight:PassDataSource"]
    data_set    = ["quicksight:DescribeDataSet", "quicksight:DescribeDataSetPermissions", "quicksight:PassDataSet", "quicksight:DescribeIngestion", "quicksight:ListIngestions"]
    dashboard   = ["quicksight:DescribeDashboard", "quicksight:ListDashboardVersions", "quicksight:QueryDashboard"]
  }
}

resource "aws_quicksight_group" "analysts" {
  count = local.quicksight_count

  group_name  = "${var.name_prefix}-analysts"
  description = "Analysts and office coordinators who read the Acogida lake (${var.name_prefix})"
  namespace   = "default"
}

resource "aws_quicksight_data_source" "athena" {
  count = local.quicksight_count

  data_source_id = local.quicksight_id
  name           = "Acogida lake (${var.name_prefix})"
  type           = "ATHENA"

  parameters {
    athena {
      work_group = aws_athena_workgroup.analytics.name
    }
  }

  ssl_properties {
    disable_ssl = false
  }

  permission {
    principal = aws_quicksight_group.analysts[0].arn
    actions   = local.quicksight_read_actions.data_source
  }
}

resource "aws_quicksight_data_set" "lake" {
  for_each = var.quicksight_enabled ? local.quicksight_datasets : {}

  data_set_id = "${local.quicksight_id}-${each.key}"
  name        = each.value.name
  import_mode = "DIRECT_QUERY"

  physical_table_map {
    physical_table_map_id = each.key

    custom_sql {
      data_source_arn = aws_quicksight_data_source.athena[0].arn
      name            = each.key
      sql_query       = each.value.sql

      dynamic "columns" {
        for_each = each.value.columns
        content {
          name = columns.value[0]
          type = columns.value[1]
        }
      }
    }
  }

  permissions {
    principal = aws_quicksight_group.analysts[0].arn
    actions   = local.quicksight_read_actions.data_set
  }
}

resource "aws_quicksight_dashboard" "coordinator" {
  count = local.quicksight_count

  dashboard_id        = "${local.quicksight_id}-coordinator"
  name                = "Acogida: demanda y previsión (${var.name_prefix})"
  version_description = "Managed by Terraform (module bi)"

  permissions {
    principal = aws_quicksight_group.analysts[0].arn
    actions   = local.quicksight_read_actions.dashboard
  }

  definition {
    dynamic "data_set_identifiers_declarations" {
      for_each = aws_quicksight_data_set.lake
      content {
        identifier   = data_set_identifiers_declarations.key
        data_set_arn = data_set_identifiers_declarations.value.arn
      }
    }

    sheets {
      sheet_id = "oficina"
      name     = "Oficina"

      visuals {
        line_chart_visual {
          visual_id = "demanda-semanal"
          title {
            format_text {
              plain_text = "Horas de personal por semana y perfil"
            }
          }
          chart_configuration {
            field_wells {
              line_chart_aggregated_field_wells {
                category {
                  date_dimension_field {
                    field_id         = "demand-week"
                    date_granularity = "WEEK"
                    column {
                      data_set_identifier = "demand"
                      column_name         = "day"
                    }
                  }
                }
                values {
                  numerical_measure_field {
                    field_id = "demand-hours"
                    column {
                      data_set_identifier = "demand"
                      column_name         = "workforce_demand"
                    }
                    aggregation_function {
                      simple_numerical_aggregation = "SUM"
                    }
                  }
                }
                colors {
                  categorical_dimension_field {
                    field_id = "demand-type"
                    column {
                      data_set_identifier = "demand"
                      column_name         = "workforce_type"
                    }
                  }
                }
              }
            }
          }
        }
      }

      visuals {
        bar_chart_visual {
          visual_id = "acogidas-por-oficina"
          title {
            format_text {
              plain_text = "Acogidas por semana y oficina"
            }
          }
          chart_configuration {
            field_wells {
              bar_chart_aggregated_field_wells {
                category {
                  date_dimension_field {
                    field_id         = "submissions-week"
                    date_granularity = "WEEK"
                    column {
                      data_set_identifier = "submissions"
                      column_name         = "submitted_at"
                    }
                  }
                }
                values {
                  categorical_measure_field {
                    field_id = "submissions-count"
                    column {
                      data_set_identifier = "submissions"
                      column_name         = "intake_id"
                    }
                    aggregation_function = "COUNT"
                  }
                }
                colors {
                  categorical_dimension_field {
                    field_id = "submissions-office"
                    column {
                      data_set_identifier = "submissions"
                      column_name         = "office"
                    }
                  }
                }
              }
            }
          }
        }
      }

      visuals {
        line_chart_visual {
          visual_id = "prevision"
          title {
            format_text {
              plain_text = "Previsión publicada: p10, p50 y p90 (horas al día)"
            }
          }
          chart_configuration {
            field_wells {
              line_chart_aggregated_field_wells {
                category {
                  date_dimension_field {
                    field_id         = "forecast-day"
                    date_granularity = "DAY"
                    column {
                      data_set_identifier = "forecasts"
                      column_name         = "day"
                    }
                  }
                }
                dynamic "values" {
                  for_each = ["p10", "p50", "p90"]
                  content {
                    numerical_measure_field {
                      field_id = "forecast-${values.value}"
                      column {
                        data_set_identifier = "forecasts"
                        column_name         = values.value
                      }
                      aggregation_function {
                        simple_numerical_aggregation = "SUM"
                      }
                    }
                  }
                }
              }
            }
          }
        }
      }
    }
  }
}
