-- Run once by the postgres image's entrypoint when it creates the cluster.
CREATE EXTENSION IF NOT EXISTS uaknn;
