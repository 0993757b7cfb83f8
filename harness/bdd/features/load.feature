@load
Feature: Load at seed scale: 50,000 customers through the sandbox, over HTTP
  As an integration engineer sizing the production cut-over
  I want a full sync of 50,000 customers, 5,000 changes after it, and both systems reconciled
  So that I know the sync is correct at volume and which stage bounds its speed

  Background:
    Given a CRM sandbox holding 50000 customers generated from seed 7
    And an ERP sandbox with no customers

  Scenario: 50,000 customers from the CRM in full, then 5,000 changes, reconciled at 100%
    When the customer flow runs in full
    Then the ERP holds 50000 customers
    And the run's throughput and stage breakdown are reported as "full sync"
    When 5000 customers are edited in the CRM through its API
    And the customer flow runs incrementally
    Then the run updated exactly those 5000 customers and created none
    And the run's throughput and stage breakdown are reported as "incremental sync"
    And the reconciliation says GO with 100% record accuracy and 100% field accuracy
    And the reconcile's throughput is reported
