"""Vendor packs defined under tests/ only, to prove the seam: a vendor joins the harness
through the two registries (in code, or through entry points as an installed package would)
without a line changed in `harness`, `sync`, `mocks` or `reconcile`."""
