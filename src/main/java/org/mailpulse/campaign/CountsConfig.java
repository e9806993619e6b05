package org.mailpulse.campaign;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** The upkeep of the kept campaign counts. */
@ConfigMapping(prefix = "mailpulse.counts")
public interface CountsConfig {

    /** How often the appended deltas are folded into the counts (reads are exact either way). */
    @WithDefault("5s")
    Duration foldEvery();

    /** Deltas folded per statement; the folder repeats until a slice comes back short. */
    @WithDefault("20000")
    int foldSlice();

    /** How often every campaign is recounted and any drift corrected: a duration such as {@code 10m}, or {@code off}. */
    @WithDefault("10m")
    String reconcileEvery();
}
