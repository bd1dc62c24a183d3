// Public exports only.
