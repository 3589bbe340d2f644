-- The posts table. `npm start` applies the migrations in this folder to the local database
-- (`wrangler d1 migrations apply DB --local`); `npx wrangler d1 migrations apply DB --remote` applies them to the
-- deployed one. The build prerenders from the same data, and the JUnit and end-to-end tests start from these
-- files. A later change to the schema is a new file (0003_..., 0004_...): never edit one that has been applied.
CREATE TABLE posts (
  slug TEXT PRIMARY KEY,
  title TEXT NOT NULL,
  body TEXT NOT NULL,
  updated_at TEXT NOT NULL DEFAULT (datetime('now'))
);

CREATE INDEX posts_by_update ON posts (updated_at DESC);
