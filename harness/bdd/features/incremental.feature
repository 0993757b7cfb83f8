@incremental
Feature: Incremental runs lose nothing at the edges
  As an integration engineer trusting incremental syncs in production
  I want ties at a page boundary, late commits and hard deletes handled
  So that "only what changed" never quietly means "less than what changed"

  Background:
    Given a CRM sandbox holding 600 customers generated from seed 31
    And an ERP sandbox with no customers
    And the CRM returns query results in pages of 200

  Scenario: 500 edits sharing one timestamp across page boundaries, with a failure between pages
    Given the customer flow has run in full
    When 500 customers are edited in one transaction in the CRM, sharing one modification time
    And the CRM refuses the request for its next query page after the first
    And the customer flow tries to run incrementally
    Then that run failed with the first page committed
    When the CRM is healthy again
    And the customer flow runs incrementally
    Then all 500 edits are in the ERP, none lost and none duplicated
    And the reconciliation says GO with 100% record accuracy and 100% field accuracy

  Scenario: A late commit stamped before the watermark is caught by the look-back
    Given the customer flow looks back 60 seconds
    And the customer flow has run in full
    When a customer's edit commits late in the CRM, stamped 10 seconds before the sync's watermark
    And the customer flow runs incrementally
    Then that customer's name in the ERP is "Late Commit Holdings"

  Scenario: Without a look-back the same late commit is missed, and the reconciler finds it
    Given the customer flow has run in full
    When a customer's edit commits late in the CRM, stamped 10 seconds before the sync's watermark
    And the customer flow runs incrementally
    Then that customer's name in the ERP is still the old one
    And the reconciliation reports that customer's name as different

  Scenario: Hard deletes no feed shows are found by the full sweep and propagated
    Given the customer flow propagates deletes
    And the customer flow has run in full
    When 3 customers are hard-deleted in the CRM, past the recycle bin
    And the customer flow runs incrementally
    Then the ERP holds 600 customers
    When the customer flow runs in full
    Then the ERP holds 597 customers
    And the audit log holds the before-image of each deleted customer
