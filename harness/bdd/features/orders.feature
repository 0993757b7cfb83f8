@orders
Feature: Orders taken in the CRM reach the ERP with their customer and products resolved
  As an order-to-cash lead
  I want every order and its lines sent to the ERP with the customer and the items the ERP knows
  So that the ERP bills the right customer for the right items, and an order that cannot go yet waits in plain sight

  Background:
    Given a full business world of 6 customers and 12 products generated from seed 6
    And every business flow is configured

  Scenario: An order with its lines reaches the ERP with its customer and products resolved
    Given the ERP lacks some of the CRM's orders
    And the "products" flow has run in full
    And the "customers" flow has run in full
    When the "orders" flow runs in full
    Then no order waits in quarantine
    And the orders flow created exactly the orders the ERP lacked
    And every order in the CRM is an order in the ERP, for the same customer
    And each of its lines names the product's ERP item with the same quantity and unit price

  Scenario: An order for a customer not synced yet waits, and the next run sends it
    Given the "products" flow has run in full
    When the "orders" flow runs in full
    Then every order waits in quarantine as "unresolved_reference" naming the "customers" flow
    And the ERP holds no order the orders flow would have written
    When the "customers" flow runs in full
    And the "orders" flow runs incrementally
    Then no order waits in quarantine
    And every order in the CRM is an order in the ERP, for the same customer
    And each of its lines names the product's ERP item with the same quantity and unit price
