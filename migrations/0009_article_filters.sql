-- Indexes for filters on an article's fields (issue 16): ListArticles's
-- filter and the article fields of ListClaims's, which look the matching
-- articles up first (`c.article_id IN (SELECT a.id FROM articles a …)`) and
-- then their claims through claims_by_article. Each ends with the id, the
-- order articles are listed in.

CREATE INDEX articles_by_published_date ON articles (published_date, id);
CREATE INDEX articles_by_publisher ON articles (publisher, id);
CREATE INDEX articles_by_source_url ON articles (source_url, id);
