"""Salesforce Bulk API on the mock: jobs, their CSV and their processing (2.0 and 1.0)."""
