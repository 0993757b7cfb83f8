@governance
Feature: The CRM owns its customers' identity; edits in the ERP are settled by policy
  As a data steward of the customer master
  I want edits made in the ERP to CRM-owned fields detected and settled by a declared policy
  So that both systems agree field by field, and the audit log says who won and why

  Background:
    Given a CRM sandbox holding 30 customers generated from seed 21
    And an ERP sandbox with no customers

  Scenario Outline: Both systems renamed a customer; <policy> settles it
    Given the customer flow settles conflicts with "<policy>"
    And the customer flow has run in full
    When a user renames one customer in the CRM to "Northwind Source Ltd"
    And a second later someone renames that customer in the ERP to "Northwind ERP Edit"
    And the customer flow runs incrementally
    Then that customer's name in the ERP is "<kept>"
    And the run found 1 conflict
    And the audit log says "<policy>" let the <winner> win on the customer's name

    Examples:
      | policy             | kept                 | winner |
      | owner_wins         | Northwind Source Ltd | CRM    |
      | last_modified_wins | Northwind ERP Edit   | ERP    |

  Scenario: A manual conflict waits for a data steward, who keeps the CRM's value
    Given the customer flow settles conflicts with "manual"
    And the customer flow has run in full
    When a user renames one customer in the CRM to "Northwind Source Ltd"
    And a second later someone renames that customer in the ERP to "Northwind ERP Edit"
    And the customer flow runs incrementally
    Then that customer is quarantined for "conflict" naming its name
    And that customer's name in the ERP is "Northwind ERP Edit"
    When a data steward resolves it keeping the CRM's values
    Then that customer's name in the ERP is "Northwind Source Ltd"
    And nothing is held in quarantine

  Scenario: A locked field edited in the ERP is refused: reverted and reported
    Given the customer flow locks its fields and watches the ERP for edits
    And the customer flow has run in full
    And the customer flow runs incrementally
    When someone renames one customer in the ERP to "Sneaky Rename Inc"
    And the customer flow runs incrementally
    Then that customer's name in the ERP is its CRM name again
    And the run found 1 conflict
    And the audit log reports the customer's name as locked

  Scenario: Echo suppression: the flow's own writes never come back as edits
    Given the customer flow settles conflicts with "owner_wins" and watches the ERP for edits
    And the customer flow has run in full
    When the customer flow runs incrementally 3 times
    Then none of those runs wrote anything or found a conflict

  Scenario: Both directions at once: the CRM owns the name, the ERP owns the credit limit
    Given every business flow is configured
    And the "customers" flow has run in full
    And the "customer_finance" flow has run in full
    When a user renames one customer in the CRM to "Northwind Source Ltd"
    And a second later finance sets that customer's credit limit to 75000 and renames it "Northwind ERP Edit" in the ERP
    And the customers and customer finance flows run 3 cycles
    Then that customer's name is "Northwind Source Ltd" in both systems
    And its credit limit is 75000 in both systems
    And the audit log explains every change made to that customer
