SELECT rowid, snippet(mentions_fts, 1, '[', ']', '...', 8) FROM mentions_fts WHERE mentions_fts MATCH 'acme NEAR(outage refund, 5)' ORDER BY rank
