-- The search's word ranges (term >= w AND term < w || U+10FFFF, lib/packages/search.ts) are
-- "starts with w" only in code-point order. The terms compare so whatever collation the database
-- was made with: in a language collation (en-US, ICU or libc) "jsön" fell inside "json"'s range.
-- (PostgreSQL only: SQLite compares text by its UTF-8 bytes, code-point order already.)
ALTER TABLE "PackageSearchTerm" ALTER COLUMN "term" TYPE TEXT COLLATE "C";
