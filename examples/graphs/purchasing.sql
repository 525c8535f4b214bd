-- The supplier register purchasing.yaml reads: sqlite3 purchasing.db < purchasing.sql
CREATE TABLE suppliers (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
  max_order INTEGER NOT NULL
);
INSERT INTO suppliers (id, name, rating, max_order) VALUES
  (1, 'Acme Tools', 5, 500),
  (2, 'Budget Parts', 2, 1000),
  (3, 'Northwind Supply', 4, 50);
