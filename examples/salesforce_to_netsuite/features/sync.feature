Feature: Our Salesforce to NetSuite sync carries customers and orders intact
  The integration is ours (sync.py, the vendors' SDKs only); the sandboxes behave like the
  vendors, and the judge holds it to our mappings.

  Scenario: A clean run carries every customer and order
    Given a CRM holding 25 customers with their orders, generated from seed 7
    And 20% of the customers have names of 35 to 80 characters
    When my integration runs
    Then the integration finished cleanly
    And every customer reaches the ERP intact
    And every order reaches the ERP intact
    And the integration wrote nothing outside its mappings
    And the judge says GO

  Scenario: A flaky ERP costs retries, not records
    Given a CRM holding 25 customers with their orders, generated from seed 8
    And the ERP rejects every third write with a 503
    When my integration runs
    Then every customer reaches the ERP intact
    And every order reaches the ERP intact

  Scenario: A throttled ERP is waited for as it asks
    Given a CRM holding 10 customers with their orders, generated from seed 9
    And the ERP throttles writes 2 and 5, asking to wait 1 s
    When my integration runs
    Then the integration waited as asked after every 429
    And the judge says GO
