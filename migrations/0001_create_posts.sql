-- The blog's schema. Applied locally by `npm start` (wrangler d1 migrations apply DB --local) and in production by
-- `npx wrangler d1 migrations apply DB --remote`; the build prerenders from the same data.
CREATE TABLE authors (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  bio TEXT NOT NULL DEFAULT ''
);

CREATE TABLE posts (
  slug TEXT PRIMARY KEY,
  title TEXT NOT NULL,
  summary TEXT NOT NULL,
  body TEXT NOT NULL,
  author_id TEXT NOT NULL REFERENCES authors (id),
  published_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

CREATE INDEX posts_by_date ON posts (published_at DESC);

CREATE TABLE post_tags (
  slug TEXT NOT NULL REFERENCES posts (slug) ON DELETE CASCADE,
  tag TEXT NOT NULL,
  PRIMARY KEY (slug, tag)
);

CREATE INDEX post_tags_by_tag ON post_tags (tag);
