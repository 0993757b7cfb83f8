@orders
Feature: Orders taken in the CRM reach the ERP with their customer and items resolved
  As an order-to-cash lead
  I want every order and its lines sent to NetSuite with the customer and the items NetSuite knows
  So that the ERP bills the right customer for the right items, and an order that cannot go yet waits in plain sight

  Background:
    Given a full business world of 6 accounts and 12 products generated from seed 6
    And every business flow is configured

  Scenario: An order with lines reaches NetSuite with its customer and items resolved
    Given NetSuite lacks some of the Salesforce orders
    And the "products" flow has run in full
    And the "customers" flow has run in full
    When the "orders" flow runs in full
    Then no order waits in quarantine
    And the orders flow created exactly the sales orders NetSuite lacked
    And every Salesforce order is a NetSuite sales order of its account's customer
    And each of its lines names the product's NetSuite item with the same quantity and rate

  Scenario: An order for an account not synced yet waits, and the next run sends it
    Given the "products" flow has run in full
    When the "orders" flow runs in full
    Then every order waits in quarantine as "unresolved_reference" naming the "customers" flow
    And NetSuite holds no sales order the orders flow would have written
    When the "customers" flow runs in full
    And the "orders" flow runs incrementally
    Then no order waits in quarantine
    And every Salesforce order is a NetSuite sales order of its account's customer
    And each of its lines names the product's NetSuite item with the same quantity and rate
