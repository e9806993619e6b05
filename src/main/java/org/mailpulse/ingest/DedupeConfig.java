package org.mailpulse.ingest;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How event keys are stored (README "Event identity"). */
@ConfigMapping(prefix = "mailpulse.dedupe")
public interface DedupeConfig {

    /**
     * Also store each applied event's pre-V8 key (SNS MessageId or raw digest), so that replicas of a version before
     * V8, which know no other key, recognise its redeliveries during a rolling upgrade. Off once none runs.
     */
    @WithDefault("false")
    boolean writePreV8Keys();
}
