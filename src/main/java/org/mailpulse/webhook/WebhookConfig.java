package org.mailpulse.webhook;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

@ConfigMapping(prefix = "mailpulse.webhooks")
public interface WebhookConfig {

    /** Runs the delivery worker on this replica (every replica can: claims never overlap). */
    @WithDefault("true")
    boolean deliveryEnabled();

    /** How often the worker looks for due deliveries when it has free slots. */
    @WithDefault("500ms")
    Duration pollInterval();

    /** Deliveries in flight at once on one replica. */
    @WithDefault("64")
    int maxInFlight();

    /** Deliveries in flight at once to one endpoint, per replica. */
    @WithDefault("4")
    int concurrencyPerEndpoint();

    /** An attempt that has not been answered within this is a failure (connect and response). */
    @WithDefault("10s")
    Duration timeout();

    /** The wait after the first failed attempt; it doubles after each further one, with jitter, up to max-backoff. */
    @WithDefault("10s")
    Duration initialBackoff();

    @WithDefault("1h")
    Duration maxBackoff();

    /** A delivery is retried for at least this long before it is given up ("failed"). */
    @WithDefault("P1D")
    Duration retryFor();

    /**
     * An endpoint is disabled, with the reason, after this many failed attempts in a row (of any of its deliveries)
     * that have gone on for at least disable-after-failing-for, so that a burst against a short outage does not
     * disable it.
     */
    @WithDefault("50")
    int disableAfterFailures();

    @WithDefault("1h")
    Duration disableAfterFailingFor();

    /** How long the previous secret keeps signing after a rotation, unless the request says otherwise. */
    @WithDefault("P1D")
    Duration rotationOverlap();

    /** Delivered and failed deliveries (and their outbox rows) are deleted after this long. */
    @WithDefault("P7D")
    Duration retention();

    /** Allows http:// endpoints (development and tests); production accepts https:// only. */
    @WithDefault("false")
    boolean allowHttp();

    /**
     * Networks (CIDR) an endpoint may resolve to although they are loopback, private, link-local, CGNAT or metadata
     * addresses, e.g. an internal receiver's subnet. Empty: only public addresses.
     */
    Optional<List<String>> allowedNetworks();

    /** How often the gauges (oldest pending delivery, disabled endpoints) are read from the database. */
    @WithDefault("15s")
    Duration metricsEvery();

    /** How often finished deliveries past the retention are purged. */
    @WithDefault("1h")
    Duration purgeEvery();
}
