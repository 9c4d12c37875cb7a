"""Driving the Terraform root: where the repository and tools are, and the terraform CLI itself."""
