@governance
Feature: The CRM owns its customers' identity; edits in the ERP are settled by policy
  As a data steward of the customer master
  I want edits made in the ERP to CRM-owned fields detected and settled by a declared policy
  So that both systems agree field by field, and the audit log says who won and why

  Background:
    Given a Salesforce sandbox holding 30 accounts generated from seed 21
    And a NetSuite sandbox with no customers

  Scenario Outline: Both systems renamed a customer; <policy> settles it
    Given the customer flow settles conflicts with "<policy>"
    And the customer flow has run in full
    When a user renames one account in Salesforce to "Northwind Source Ltd"
    And a second later someone renames that customer in NetSuite to "Northwind ERP Edit"
    And the customer flow runs incrementally
    Then that customer's company name in NetSuite is "<kept>"
    And the run found 1 conflict
    And the audit log says "<policy>" let the <winner> win on "companyName"

    Examples:
      | policy             | kept                 | winner |
      | owner_wins         | Northwind Source Ltd | source |
      | last_modified_wins | Northwind ERP Edit   | target |

  Scenario: A manual conflict waits for a data steward, who keeps the CRM's value
    Given the customer flow settles conflicts with "manual"
    And the customer flow has run in full
    When a user renames one account in Salesforce to "Northwind Source Ltd"
    And a second later someone renames that customer in NetSuite to "Northwind ERP Edit"
    And the customer flow runs incrementally
    Then that account is quarantined for "conflict" naming "companyName"
    And that customer's company name in NetSuite is "Northwind ERP Edit"
    When a data steward resolves it keeping the "crm" values
    Then that customer's company name in NetSuite is "Northwind Source Ltd"
    And nothing is held in quarantine

  Scenario: A locked field edited in the ERP is refused: reverted and reported
    Given the customer flow locks its fields and watches NetSuite for edits
    And the customer flow has run in full
    And the customer flow runs incrementally
    When someone renames one customer in NetSuite to "Sneaky Rename Inc"
    And the customer flow runs incrementally
    Then that customer's company name in NetSuite is its Salesforce name again
    And the run found 1 conflict
    And the audit log reports the locked field "companyName"

  Scenario: Echo suppression: the flow's own writes never come back as edits
    Given the customer flow settles conflicts with "owner_wins" and watches NetSuite for edits
    And the customer flow has run in full
    When the customer flow runs incrementally 3 times
    Then none of those runs wrote anything or found a conflict

  Scenario: Both directions at once: the CRM owns the name, the ERP owns the credit limit
    Given every business flow is configured
    And the "customers" flow has run in full
    And the "customer_finance" flow has run in full
    When a user renames one account in Salesforce to "Northwind Source Ltd"
    And a second later finance sets that customer's credit limit to 75000 and renames it "Northwind ERP Edit" in NetSuite
    And the customers and customer finance flows run 3 cycles
    Then that customer's company name is "Northwind Source Ltd" in both systems
    And its credit limit is 75000 in both systems
    And the audit log explains every change made to that customer
