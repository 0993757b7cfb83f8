"""HubSpot's traps proven on the HubSpot -> NetSuite sandbox (`hubspot_traps.feature`)."""
