"""Glue 5.0 Spark job: raw/submissions/ → curated/demand/ (the daily workforce-demand series).

A thin entry point: the transformation is ``acogida.etl.spark_demand`` (shipped with
--extra-py-files as acogida-glue.zip), the same functions ``acogida etl`` runs locally. The job
bookmark (transformation_ctx) hands the job only the submission files it has not read yet;
``update_curated`` appends their workload and rewrites the demand series.

Arguments (module bi sets them): --raw_path s3://<raw>/submissions/, --curated_path s3://<curated>.
"""

import datetime as dt
import sys

from awsglue.context import GlueContext
from awsglue.job import Job
from awsglue.utils import getResolvedOptions
from pyspark.context import SparkContext
from pyspark.sql import functions as F  # noqa: N812

from acogida.etl import spark_demand
from acogida.etl.workforce import load_workforce_config
from acogida.export.submission import SUBMISSION_COLUMNS


def main() -> None:
    args = getResolvedOptions(sys.argv, ["JOB_NAME", "raw_path", "curated_path"])
    glue = GlueContext(SparkContext.getOrCreate())
    job = Job(glue)
    job.init(args["JOB_NAME"], args)

    new_files = glue.create_dynamic_frame.from_options(
        connection_type="s3",
        connection_options={"paths": [args["raw_path"]], "recurse": True, "groupFiles": "inPartition"},
        format="csv",
        format_options={"withHeader": True},
        transformation_ctx="new_submissions",
    ).toDF()
    # Every column as the export writes it (text); a load with no new files has none of them.
    new_submissions = new_files.select(
        *[
            (F.col(column) if column in new_files.columns else F.lit(None)).cast("string").alias(column)
            for column in SUBMISSION_COLUMNS
        ]
    )
    spark_demand.update_curated(
        glue.spark_session,
        new_submissions,
        args["curated_path"].rstrip("/"),
        load_workforce_config(),
        loaded_at=dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ"),
    )
    job.commit()


if __name__ == "__main__":
    main()
