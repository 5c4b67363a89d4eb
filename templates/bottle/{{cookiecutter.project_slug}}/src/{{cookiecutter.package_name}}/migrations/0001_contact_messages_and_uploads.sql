-- Contact messages (read with the console script, never served over HTTP) and the records of
-- the uploaded files, whose contents live in the upload folder under stored_name.
CREATE TABLE contact_message (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    email TEXT NOT NULL,
    message TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);

CREATE TABLE upload (
    id INTEGER PRIMARY KEY,
    -- The name shown and used in URLs: the client's name without folders, made unique.
    name TEXT NOT NULL UNIQUE,
    -- The name exactly as the client sent it.
    original_name TEXT NOT NULL,
    -- The file in the upload folder: generated, ASCII, never chosen by the client.
    stored_name TEXT NOT NULL UNIQUE,
    size INTEGER NOT NULL CHECK (size >= 0),
    content_type TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
