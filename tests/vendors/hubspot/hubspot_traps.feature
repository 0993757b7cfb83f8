@failure
Feature: HubSpot's own traps are survived: the search cap, late search, the burst limit, a duplicate email
  As an integration engineer putting HubSpot in front of the ERP
  I want HubSpot's traps reproduced in the sandbox while the customer flow reads it
  So that I know no company is skipped, lost or written twice, and no contact is doubled

  Background:
    Given a CRM sandbox holding 5 customers generated from seed 43
    And an ERP sandbox with no customers
    And the customer flow has run in full

  Scenario: 1,200 companies imported in one window all reach the ERP past a search cap of 1,000
    Given HubSpot's search stops at 1000 results a query
    When HubSpot imports 1200 companies at once
    Then a search of the window counts 1205 companies but refuses a page starting at result 1000
    When the customer flow runs incrementally
    Then the run succeeded, creating all 1200 imported companies and holding none
    And the run searched HubSpot without one refused query
    And every customer is in the ERP exactly once

  @load
  Scenario: 12,000 companies imported in one window all reach the ERP past HubSpot's cap of 10,000
    Given HubSpot's search stops at 10000 results a query
    When HubSpot imports 12000 companies at once
    Then a search of the window counts 12005 companies but refuses a page starting at result 10000
    When the customer flow runs incrementally
    Then the run succeeded, creating all 12000 imported companies and holding none
    And the run searched HubSpot without one refused query
    And every customer is in the ERP exactly once

  Scenario: A company search shows late is missed by one run and synced by the next, thanks to the look-back
    Given HubSpot's search sees a write only 120 seconds after it is made
    When a user renames one company in HubSpot to "Late Indexed Ltd"
    And a HubSpot workflow renames another company to "Indexed First Ltd" a moment later, and search shows it at once
    And the customer flow runs incrementally
    Then the run updated only "Indexed First Ltd", and the ERP still holds the late company under its old name
    When HubSpot's search catches up
    And the customer flow runs incrementally
    Then the late company's name in the ERP is "Late Indexed Ltd"
    And every customer is in the ERP exactly once

  Scenario: Without the look-back the same late company is lost
    Given the customer flow's HubSpot reads look back 0 seconds
    And HubSpot's search sees a write only 120 seconds after it is made
    When a user renames one company in HubSpot to "Late Indexed Ltd"
    And a HubSpot workflow renames another company to "Indexed First Ltd" a moment later, and search shows it at once
    And the customer flow runs incrementally
    And HubSpot's search catches up
    And the customer flow runs incrementally
    Then the ERP still holds the late company under its old name

  Scenario: HubSpot's burst allowance drops mid-run; the sync slows down and loses nothing
    Given HubSpot holds 240 more companies
    And the CRM returns query results in pages of 10
    And every HubSpot list call takes 40 ms
    When the customer flow runs in full while HubSpot's burst allowance drops to 8 requests per 2 seconds after its 5th list call
    Then the run succeeded and every company arrived
    And HubSpot's journal shows the flow met the lowered allowance and waited as every 429 asked
    And every customer is in the ERP exactly once

  Scenario: A contact written with an email another contact holds is linked to it, not doubled
    Given HubSpot holds a contact "Ada Lovelace" with the email "ada@analytical.example" and no ERP id
    When the ERP's contact "ERP-C-1" with the email "ADA@Analytical.example" is upserted into HubSpot through the connector's upsert path, as no shipped flow writes HubSpot contacts
    Then HubSpot refused the create with 409 naming the existing contact, and the write answered that contact's id
    And HubSpot holds one contact with that email, and it carries the ERP id "ERP-C-1"
