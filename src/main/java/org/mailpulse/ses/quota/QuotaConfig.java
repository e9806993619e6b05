package org.mailpulse.ses.quota;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** How the sender follows the SES account's quota ({@code GetAccount}). */
@ConfigMapping(prefix = "mailpulse.quota")
public interface QuotaConfig {

    /** How often each replica reads GetAccount (also at start). */
    @WithDefault("1m")
    Duration refreshEvery();

    /**
     * Share of {@code Max24HourSend} left unused, so that sending stops before SES refuses: it covers the sends in
     * flight and those of other replicas between two reads. At least one message.
     */
    @WithDefault("0.01")
    double dailyMargin();
}
