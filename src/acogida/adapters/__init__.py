"""The only code that talks to AWS (boto3). Domain code never imports boto3; tests point these at moto."""
