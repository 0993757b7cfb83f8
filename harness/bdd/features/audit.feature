@audit
Feature: A data-quality audit finds the defects a CRM holds before the first sync
  As a data steward preparing a CRM for its integration with the ERP
  I want the profile to find the duplicate, blank and badly written values
  So that they are cleaned before they reach the ERP

  Scenario: The audit of the CRM finds the defects the sandbox injected
    Given a CRM sandbox of 1000 customers from seed 13 where 20% of the customers are dirty
    When the CRM's customers are profiled
    Then the audit finds at least 95% of the duplicate pairs with at least 90% precision
    And the audit finds every blank expected value and no other
    And the audit finds at least 95% of the badly written values
    And the data-quality score is below 99%

  Scenario: A clean CRM passes the audit
    Given a CRM sandbox of 500 customers from seed 4 where 0% of the customers are dirty
    When the CRM's customers are profiled
    Then the data-quality score is above 99%
    And the audit finds no duplicate customers
