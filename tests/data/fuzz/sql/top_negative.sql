SELECT title, url FROM top_negative LIMIT 10
