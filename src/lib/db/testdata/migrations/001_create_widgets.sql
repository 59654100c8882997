-- Portable: runs on both engines.
CREATE TABLE dbtest_widgets (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL
);
