"""SAP S/4HANA's traps proven on the Salesforce -> SAP sandbox (`sap_traps.feature`)."""
