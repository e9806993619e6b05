package org.mailpulse.common;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How CSV imports and enrolments write their rows. */
@ConfigMapping(prefix = "mailpulse.bulk")
public interface BulkWriteConfig {

    /** Rows read, checked and written together; each writer gets its share of them in one statement. */
    @WithDefault("10000")
    int chunkRows();

    /**
     * Statements of one upload in flight at once, each on its own pooled connection. Rows go to a writer by their
     * address, so two writers never touch the same customer.
     */
    @WithDefault("2")
    int writers();
}
