@failure
Feature: SAP's own traps are survived: CSRF expiry, a failing change set, a stale ETag
  As an integration engineer putting SAP S/4HANA behind the CRM
  I want SAP's traps reproduced in the sandbox while the customer flow writes
  So that I know nothing is lost, nothing is written twice, and no one's edit is overwritten

  Background:
    Given a CRM sandbox holding 60 customers generated from seed 41
    And an ERP sandbox with no customers

  Scenario: SAP's CSRF token expires mid-run; it is renewed and the page in flight is written once
    Given the CRM returns query results in pages of 30
    And the customer flow writes 10 customers a round, in SAP batches of 5
    When the customer flow runs in full while every SAP CSRF token expires after 20 customers are written
    Then the run succeeded, creating all 60 customers and holding none
    And SAP refused the expired token, and the flow wrote the rest of the page with a new one
    And every customer is in the ERP exactly once
    And SAP created each customer once
    And the reconciliation says GO with 100% record accuracy and 100% field accuracy

  Scenario: A change set failing on its third operation rolls back whole; its customer is held with SAP's reason
    Given the customer flow has run in full
    And 3 customers are renamed in the CRM
    And SAP fails the 3rd operation of the next change set
    When the customer flow runs incrementally
    Then 1 customer is held with SAP's reason "locked" and the other 2 carry their new names in SAP
    And SAP holds the held customer exactly as before the run, its ETag included
    When the held customer is tried again
    Then nothing is held in quarantine
    And every customer is in the ERP exactly once
    And the reconciliation says GO with 100% record accuracy and 100% field accuracy

  Scenario: An SAP user edits a customer between the flow's read and its write; no overwrite, a conflict
    Given the customer flow settles conflicts with "manual"
    And the customer flow has run in full
    When a user renames one customer in the CRM to "Northwind Source Ltd"
    And the customer flow runs incrementally while an SAP user renames that customer to "Northwind SAP Edit" between the flow's read and its write
    Then the flow's update is refused as stale and that customer is held with SAP's reason
    And that customer's name in the ERP is "Northwind SAP Edit"
    When the held customer is tried again
    Then that customer is quarantined for "conflict" naming its name
    And the run found 1 conflict
    And that customer's name in the ERP is "Northwind SAP Edit"
    When a data steward resolves it keeping the CRM's values
    Then that customer's name in the ERP is "Northwind Source Ltd"
    And nothing is held in quarantine

  Scenario: SAP applies a write with a warning; the run lists it and its audit row keeps it
    Given the customer flow has run in full
    And 2 customers are renamed in the CRM
    And SAP answers the next write to a business partner with a warning
    When the customer flow runs incrementally
    Then the run updated both customers and listed the one SAP warned about, with SAP's words
    And that customer's audit row keeps SAP's warning

  Scenario: A payment posted in FI reaches the CRM although the billing document did not change
    Given a full business world of 12 customers and 5 products generated from seed 41
    And every business flow is configured
    And every business flow has run in full
    When a customer pays half of what is due on an open invoice in SAP's accounting
    Then SAP's billing document of that invoice did not change, its stamp and ETag included
    When the "payments" flow runs incrementally
    Then the CRM shows what is still due on that invoice, and no other invoice was updated
    And SAP's open items found that invoice: its billing documents changed since the last run do not name it
