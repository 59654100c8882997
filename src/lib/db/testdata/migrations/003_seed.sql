INSERT INTO dbtest_widgets (id, name) VALUES ('w1', 'it''s $1; -- not a param');
INSERT INTO dbtest_widgets (id, name) VALUES ('w2', 'second');
