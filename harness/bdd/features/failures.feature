@failure
Feature: Failure is the normal case: every fault survived, nothing lost, everything explained
  As an integration engineer about to flip production on
  I want each way the systems fail reproduced in the sandbox and survived by the sync
  So that I know what reaches the ERP, what waits in quarantine and why

  Background:
    Given a CRM sandbox holding 80 customers generated from seed 41
    And an ERP sandbox with no customers
    And the CRM returns query results in pages of 20
    And the sync gives up on a request after 1 second and retries quickly

  Scenario: The ERP hangs past the client timeout mid-sync
    Given the ERP hangs for 3 seconds on its 5th and 9th write
    When the customer flow runs in full
    Then every customer is in the ERP exactly once
    And nothing is held in quarantine
    And the ground truth shows 2 injected "hang" faults
    And the reconciliation says GO with 100% record accuracy and 100% field accuracy

  Scenario: A storm of 5xx errors from the ERP opens the circuit; the next run completes the job
    Given the ERP answers 503 to every write
    And the sync stops a flow after 6 consecutive failures
    When the customer flow tries to run in full
    Then that run failed because the ERP's circuit opened
    When the storm has passed
    And the customer flow runs incrementally
    Then every customer is in the ERP exactly once
    And the reconciliation says GO with 100% record accuracy and 100% field accuracy

  Scenario: A 429 storm from the ERP is ridden out by waiting as told
    Given the ERP answers 30% of its calls with 429 and Retry-After
    When the customer flow runs in full
    Then every customer is in the ERP exactly once
    And nothing is held in quarantine
    And the ground truth shows at least 5 injected "rate_limit" faults

  Scenario: Customers missing a required value are quarantined, the rest arrive
    Given one customer has no country
    When the customer flow runs in full
    Then that customer is quarantined for "validation" naming its country
    And the ERP holds 79 customers
    And the reconciliation finds 1 record missing in target, caused by quarantine

  Scenario: Duplicates in the CRM are synced one for one, never merged or doubled
    Given two customers are the same company typed twice
    When the customer flow runs in full
    Then every customer is in the ERP exactly once
    And the data-quality audit of the CRM lists those two customers as duplicates

  Scenario: Malformed and truncated ERP responses are retried, not trusted
    Given the ERP answers its first 3 reads with a malformed body and truncates 10%
    When the customer flow runs in full
    Then every customer is in the ERP exactly once
    And nothing is held in quarantine
    And the ground truth shows at least 3 injected "malformed_json" faults

  Scenario: The CRM session expires mid-run and is renewed
    Given every CRM session expires after the 2nd query page
    When the customer flow runs in full
    Then every customer is in the ERP exactly once
    And the ground truth shows 1 injected "token_expiry" fault
    And the reconciliation says GO with 100% record accuracy and 100% field accuracy

  Scenario: An ERP field retyped mid-run: affected records are quarantined, not written wrong
    Given the ERP retypes the customer's phone to a number after its 30th write
    And the customer flow re-reads both schemas before every page
    When the customer flow runs in full
    Then the run reports the customer's phone was retyped
    And every record held back names the drift and has a phone
    And no customer written after the drift carries a phone
    And every customer is either in the ERP or held for "drift"
    When the schema is back and the held records are replayed
    Then every customer is in the ERP exactly once
    And the reconciliation says GO with 100% record accuracy and 100% field accuracy

  Scenario: The sync is killed mid-run and resumes without loss or duplicates
    Given the ERP takes 40 ms over every write
    When the customer flow is killed with SIGKILL after its first committed page
    And the customer flow runs incrementally
    Then every customer is in the ERP exactly once
    And the killed run is recorded as interrupted
    And the reconciliation says GO with 100% record accuracy and 100% field accuracy

  Scenario: A corrupting run is rolled back and the ERP is exactly as before
    Given the customer flow has run in full
    And the ERP's customers are snapshotted
    When a bad mapping that upper-cases customer names and drops their descriptions runs in full
    Then the ERP's customer names are upper case
    When that run is rolled back
    Then the ERP matches its snapshot from before the bad run at 100%
    And the rollback is itself in the audit log
