Feature: A phased rollout, each phase gated
  The guide rolls out in phases: shadow first (nothing written), then a pilot group, then
  everyone. A phase moves only its segment of the records, and the rollout advances only
  when the phase's gate holds, unless someone forces it with a recorded reason.

  Scenario: shadow, then a pilot account list, then everyone
    Given a CRM with 12 accounts and an empty ERP
    And a rollout of a shadow phase, a pilot of 4 listed accounts, and everyone
    When the customers flow runs
    Then no customer reaches the ERP
    And the rollout advances to the pilot phase
    When the customers flow runs
    Then only the 4 pilot accounts reach the ERP
    When an ERP user edits a pilot customer and the pilot is reconciled
    Then advancing is refused, naming the customers gate
    When the customers flow repairs the pilot and it is reconciled again
    Then the rollout advances to the all phase
    When the customers flow runs
    Then all 12 accounts reach the ERP
