"""What `GET limits/` reports: every org limit integrations read, with `Max` and `Remaining`.

The maximums are an Enterprise Edition org's defaults. `DailyApiRequests` counts down with
the API counter of the gate (`limits.ApiGate`), `DataStorageMB` with the records held (a
record takes 2 KB of data storage in Salesforce's accounting, whatever its size); the other
allowances are not spent by anything the mock does, so they stay full.
"""

from __future__ import annotations

from typing import Any

RECORD_KB = 2

# Limit -> Max, for the allowances nothing in the mock spends.
_FULL: dict[str, int] = {
    "ActiveScratchOrgs": 3,
    "AnalyticsExternalDataSizeMB": 40960,
    "ConcurrentAsyncGetReportInstances": 200,
    "ConcurrentEinsteinDataInsightsStoryCreation": 5,
    "ConcurrentEinsteinDiscoveryStoryCreation": 2,
    "ConcurrentSyncReportRuns": 20,
    "DailyAnalyticsDataflowJobExecutions": 60,
    "DailyAnalyticsUploadedFilesSizeMB": 51200,
    "DailyAsyncApexExecutions": 250000,
    "DailyAsyncApexTests": 500,
    "DailyBulkApiBatches": 15000,
    "DailyBulkV2QueryFileStorageMB": 976562,
    "DailyBulkV2QueryJobs": 10000,
    "DailyDeliveredPlatformEvents": 50000,
    "DailyDurableGenericStreamingApiEvents": 10000,
    "DailyDurableStreamingApiEvents": 50000,
    "DailyEinsteinDataInsightsStoryCreation": 1000,
    "DailyEinsteinDiscoveryPredictAPICalls": 50000,
    "DailyEinsteinDiscoveryPredictionsByCDC": 5000000,
    "DailyEinsteinDiscoveryStoryCreation": 100,
    "DailyFunctionsApiCallLimit": 235000,
    "DailyGenericStreamingApiEvents": 10000,
    "DailyScratchOrgs": 6,
    "DailyStandardVolumePlatformEvents": 10000,
    "DailyStreamingApiEvents": 50000,
    "DailyWorkflowEmails": 1000,
    "DurableStreamingApiConcurrentClients": 1000,
    "FileStorageMB": 10240,
    "HourlyAsyncReportRuns": 1200,
    "HourlyDashboardRefreshes": 200,
    "HourlyDashboardResults": 5000,
    "HourlyDashboardStatuses": 999999999,
    "HourlyLongTermIdMapping": 100000,
    "HourlyManagedContentPublicRequests": 50000,
    "HourlyODataCallout": 10000,
    "HourlyPublishedPlatformEvents": 250000,
    "HourlyPublishedStandardVolumePlatformEvents": 100000,
    "HourlyShortTermIdMapping": 100000,
    "HourlySyncReportRuns": 500,
    "HourlyTimeBasedWorkflow": 1000,
    "MassEmail": 5000,
    "MonthlyEinsteinDiscoveryStoryCreation": 500,
    "MonthlyPlatformEventsUsageEntitlement": 300000,
    "Package2VersionCreates": 6,
    "Package2VersionCreatesWithoutValidation": 500,
    "PrivateConnectOutboundCalloutHourlyLimitMB": 0,
    "PublishCallbackUsageInApex": 5000000,
    "SingleEmail": 5000,
    "StreamingApiConcurrentClients": 1000,
}
DATA_STORAGE_MB = 1024
PERMISSION_SETS, CUSTOM_PERMISSION_SETS = 1500, 1000


def _allowance(maximum: int, used: int = 0) -> dict[str, int]:
    return {"Max": maximum, "Remaining": max(maximum - used, 0)}


def org_limits(api_limit: int, api_used: int, records: int) -> dict[str, Any]:
    """The `limits/` body, keys in alphabetical order as Salesforce lists them."""
    data_used_mb = records * RECORD_KB // 1024
    body: dict[str, Any] = {name: _allowance(maximum) for name, maximum in _FULL.items()}
    body["DailyApiRequests"] = _allowance(api_limit, api_used)
    body["DataStorageMB"] = _allowance(DATA_STORAGE_MB, data_used_mb)
    body["PermissionSets"] = {
        **_allowance(PERMISSION_SETS),
        "CreateCustom": _allowance(CUSTOM_PERMISSION_SETS),
    }
    return dict(sorted(body.items()))


__all__ = ["org_limits"]
