-- Two posts to start from, so a new site serves a blog. Delete this file before your first remote migration if the
-- deployed database should start empty.
INSERT INTO posts (slug, title, body, updated_at) VALUES
  ('hello-world', 'Hello, world',
   'This page was rendered by Java, compiled to WebAssembly, from a row in D1, and is served from the cache.',
   '2026-01-01 09:00:00'),
  ('second-post', 'A second post',
   'Edit a post with PUT /api/posts/{slug}: its page and the index are revalidated, every other page stays a hit.',
   '2026-01-02 09:00:00');
