@customers
Feature: Salesforce accounts arrive in NetSuite as customers, intact
  As an integration engineer signing off the customer flow
  I want every account synced, re-runs harmless and bad records held back with a reason
  So that the reconciliation proves, with numbers, that the data arrived intact

  Background:
    Given a Salesforce sandbox holding 60 accounts generated from seed 7
    And a NetSuite sandbox with no customers

  @happy
  Scenario: A clean full sync scores 100%
    When the customer flow runs in full
    Then NetSuite holds 60 customers
    And every customer carries its Salesforce account id as external id
    And the reconciliation says GO with 100% record accuracy and 100% field accuracy

  @happy
  Scenario: A second run writes nothing
    Given the customer flow has run in full
    When the customer flow runs in full again
    Then the run wrote 0 records and found 60 unchanged
    And NetSuite recorded no change during that run

  @failure
  Scenario: An account missing a required field is quarantined and the rest sync
    Given one account has no billing country
    When the customer flow runs in full
    Then that account is quarantined for "validation" naming "subsidiary"
    And NetSuite holds 59 customers
    And the reconciliation finds 1 record missing in target, caused by quarantine

  @happy
  Scenario: An edit in Salesforce reaches NetSuite on the next incremental run
    Given the customer flow has run in full
    When a user renames one account in Salesforce to "Müller & O'Brien Söhne GmbH"
    And the customer flow runs incrementally
    Then the run updated 1 customer and created none
    And that customer's company name in NetSuite is "Müller & O'Brien Söhne GmbH"
    And the reconciliation says GO with 100% record accuracy and 100% field accuracy

  @failure
  Scenario: An over-long company name is rejected into quarantine, never truncated by the sync
    Given one account has a name of 120 characters
    When the customer flow runs in full
    Then that account is quarantined for "validation" naming "companyName"
    And no NetSuite customer holds a shortened copy of that name
    And NetSuite holds 59 customers

  @failure
  Scenario: NetSuite truncating silently is caught by the reconciler
    Given NetSuite silently truncates company names longer than 30 characters and does not advertise it
    And one account has a name of 60 characters
    When the customer flow runs in full
    Then NetSuite holds 60 customers
    And the reconciliation says NO-GO
    And the reconciliation blames "silently truncated by the target" for that account's company name
