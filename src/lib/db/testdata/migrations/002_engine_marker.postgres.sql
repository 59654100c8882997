CREATE TABLE dbtest_engine (id BIGSERIAL PRIMARY KEY, engine TEXT NOT NULL);
INSERT INTO dbtest_engine (engine) VALUES ('postgres');
