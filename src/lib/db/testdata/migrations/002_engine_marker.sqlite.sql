CREATE TABLE dbtest_engine (id INTEGER PRIMARY KEY AUTOINCREMENT, engine TEXT NOT NULL);
INSERT INTO dbtest_engine (engine) VALUES ('sqlite');
