-- No query reads deliveries by the time they arrived, and the index on it cost every stored
-- delivery one more tree to update and every intake commit one more to write
-- (docs/benchmarks.md, "Intake, a third look").
drop index deliveries_received_at;
