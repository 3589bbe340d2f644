-- The notes of the test kit's D1 tests (D1TestKitTest).
CREATE TABLE notes (
    id     INTEGER PRIMARY KEY,
    slug   TEXT UNIQUE NOT NULL,
    title  TEXT NOT NULL,
    body   TEXT,
    score  REAL NOT NULL DEFAULT 0,
    pinned INTEGER NOT NULL DEFAULT 0
);
