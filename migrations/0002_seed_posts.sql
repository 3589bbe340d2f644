-- A few posts to start from, so a fresh clone serves a blog. Delete this file before your first remote migration
-- if your production database should start empty.
INSERT INTO authors (id, name, bio) VALUES
  ('ada', 'Ada Byron', 'Writes about caches and the people who invalidate them.'),
  ('linus', 'Linus Varnish', 'Runs a CDN in his spare time.');

INSERT INTO posts (slug, title, summary, body, author_id, published_at, updated_at) VALUES
  ('hello-isr', 'Hello, ISR', 'Pages served from cache, regenerated in the background.',
   'Incremental static regeneration serves every reader a cached page and renders a fresh one behind the scenes when it goes stale.

This post was rendered by Java, compiled to WebAssembly, running in a Cloudflare Worker.', 'ada', '2026-11-02', '2026-11-02 09:00:00'),
  ('tags-not-timers', 'Tags, not timers', 'Revalidate the pages that changed, when they change.',
   'A timer guesses when data changes. A tag knows: the edit that changes a post revalidates the pages that show it, and nothing else.

Every other page stays a cache hit.', 'linus', '2026-11-09', '2026-11-09 09:00:00'),
  ('d1-at-the-edge', 'D1 at the edge', 'SQLite next to the worker, read through prepared statements.',
   'D1 is SQLite run by Cloudflare. This blog keeps its posts there and reads them with bound parameters, never with SQL built from strings.

A page that reads D1 is cached like any other.', 'ada', '2026-11-16', '2026-11-16 09:00:00'),
  ('stale-while-revalidate', 'Stale while revalidate', 'Why the second reader never waits.',
   'When a page goes stale, the next reader still gets it at once, and exactly one regeneration runs in the background.

Browsers and CDNs in front of the worker are told the same through Cache-Control.', 'linus', '2026-11-23', '2026-11-23 09:00:00'),
  ('records-and-templates', 'Records and templates', 'Typed props, HTML escaped by default.',
   'Each page here is a Java record rendered by a jte template. The record is also what the page''s data route returns as JSON.

A title with <script> in it is shown, never run.', 'ada', '2026-11-30', '2026-11-30 09:00:00');

INSERT INTO post_tags (slug, tag) VALUES
  ('hello-isr', 'isr'),
  ('tags-not-timers', 'isr'),
  ('tags-not-timers', 'caching'),
  ('d1-at-the-edge', 'd1'),
  ('stale-while-revalidate', 'caching'),
  ('stale-while-revalidate', 'http'),
  ('records-and-templates', 'java');
