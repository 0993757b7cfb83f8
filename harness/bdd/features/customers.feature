@customers
Feature: Customers created in the CRM arrive in the ERP intact
  As an integration engineer signing off the customer flow
  I want every customer synced, re-runs harmless and bad records held back with a reason
  So that the reconciliation proves, with numbers, that the data arrived intact

  Background:
    Given a CRM sandbox holding 60 customers generated from seed 7
    And an ERP sandbox with no customers

  @happy
  Scenario: A clean full sync scores 100%
    When the customer flow runs in full
    Then the ERP holds 60 customers
    And every customer carries its CRM id as external id
    And the reconciliation says GO with 100% record accuracy and 100% field accuracy

  @happy
  Scenario: A second run writes nothing
    Given the customer flow has run in full
    When the customer flow runs in full again
    Then the run wrote 0 records and found 60 already in the ERP
    And the ERP recorded no change during that run

  @failure
  Scenario: A customer missing a required value is quarantined and the rest sync
    Given one customer has no country
    When the customer flow runs in full
    Then that customer is quarantined for "validation" naming its country
    And the ERP holds 59 customers
    And the reconciliation finds 1 record missing in target, caused by quarantine

  @happy
  Scenario: An edit in the CRM reaches the ERP on the next incremental run
    Given the customer flow has run in full
    When a user renames one customer in the CRM to "Müller & O'Brien Söhne GmbH"
    And the customer flow runs incrementally
    Then the run updated 1 customer and created none
    And that customer's name in the ERP is "Müller & O'Brien Söhne GmbH"
    And the reconciliation says GO with 100% record accuracy and 100% field accuracy

  @failure
  Scenario: An over-long name is rejected into quarantine, never truncated by the sync
    Given one customer has a name of 120 characters
    When the customer flow runs in full
    Then that customer is quarantined for "validation" naming its name
    And no ERP customer holds a shortened copy of that name
    And the ERP holds 59 customers

  @failure
  Scenario: An ERP truncating silently is caught by the reconciler
    Given the ERP silently cuts customer names longer than 30 characters and does not advertise it
    And one customer has a name of 60 characters
    When the customer flow runs in full
    Then the ERP holds 60 customers
    And the reconciliation says NO-GO
    And the reconciliation blames "silently truncated by the target" for that customer's name
