Feature: Our HubSpot webhook listener keeps NetSuite's customers in step
  The integration is ours (sync.py, the vendors' SDKs only): it copies every company once,
  then reacts to HubSpot's webhooks. The sandboxes push as HubSpot pushes, signed and
  retried; the judge holds it to the pair's customers mapping.

  Scenario: A rep's rename reaches the ERP by webhook
    Given a CRM holding 15 customers with their orders, generated from seed 11
    And my integration listens for the CRM's webhooks
    When a sales rep renames 2 companies in the CRM
    And my integration runs
    Then my integration reacts within 10 seconds
    And every customer reaches the ERP intact
    And the integration wrote nothing outside its mappings
    And the judge says GO
