@reconcile
Feature: The reconciler names what drifted and why, and shadow mode predicts a live run
  As an integration engineer signing off the customer flow
  I want every difference between the systems found and blamed on its real cause
  And a shadow run to tell me exactly what switching the sync on would write
  So that the sign-off rests on evidence, not on hope

  Background:
    Given a Salesforce sandbox holding 60 accounts generated from seed 11
    And a NetSuite sandbox with no customers
    And the customer flow has run in full

  @failure
  Scenario: Injected drift is found with the right root causes
    When 14 differences of every kind drift into NetSuite after the sync
    And 6 accounts are edited in Salesforce after the sync
    Then the reconciliation finds every injected difference and nothing else
    And each difference is blamed on its real root cause

  @happy
  Scenario: A shadow run predicts the live run exactly
    Given 10 customers drifted in NetSuite and 4 accounts were edited in Salesforce
    And the sync's state file is lost
    When the customer flow runs in shadow mode
    Then NetSuite recorded no change during that run
    And the shadow report plans 2 creates and 12 updates, with production agreeing on 46 of 60 accounts
    When the customer flow runs in full
    Then the live run wrote exactly what the shadow run planned
