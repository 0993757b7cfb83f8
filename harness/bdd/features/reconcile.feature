@reconcile
Feature: The reconciler names what drifted and why, and shadow mode predicts a live run
  As an integration engineer signing off the customer flow
  I want every difference between the systems found and blamed on its real cause
  And a shadow run to tell me exactly what switching the sync on would write
  So that the sign-off rests on evidence, not on hope

  Background:
    Given a CRM sandbox holding 60 customers generated from seed 11
    And an ERP sandbox with no customers
    And the customer flow has run in full

  @failure
  Scenario: Injected drift is found with the right root causes
    When 14 differences of every kind drift into the ERP after the sync
    And 6 customers are edited in the CRM after the sync
    Then the reconciliation finds every injected difference and nothing else
    And each difference is blamed on its real root cause

  @happy
  Scenario: A shadow run predicts the live run exactly
    Given 10 customers drifted in the ERP and 4 customers were edited in the CRM
    And the sync's state file is lost
    When the customer flow runs in shadow mode
    Then the ERP recorded no change during that run
    And the shadow report plans 2 creates and 12 updates, with production agreeing on 46 of 60 customers
    When the customer flow runs in full
    Then the live run wrote exactly what the shadow run planned
