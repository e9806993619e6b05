package org.mailpulse.ingest;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * How many batches each poller keeps in flight. With the queue and the stores milliseconds away a batch spends most
 * of its time waiting for round trips, so a replica's rate is pollers × batches-per-poller × 10 / batch time
 * (README, "Benchmark: ingestion at production latency").
 */
@ConfigMapping(prefix = "mailpulse.ingest.flow")
public interface IngestFlowConfig {

    /**
     * Batches one poller applies at once. Each holds a PostgreSQL connection for its transaction, so
     * pollers × batches-per-poller must stay within quarkus.datasource.reactive.max-size. While they run, the poller
     * receives one more batch, which waits for the next free slot.
     */
    @WithDefault("5")
    int batchesPerPoller();
}
