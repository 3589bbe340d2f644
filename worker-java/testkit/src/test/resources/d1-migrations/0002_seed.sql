INSERT INTO notes (slug, title, body, score, pinned) VALUES ('hello', 'Hello, "D1"', 'Line one
line two', 4.5, 1);
INSERT INTO notes (slug, title) VALUES ('empty', 'No body');
