package org.mailpulse.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Every setting of MailPulse itself; Quarkus keys (datasources, AWS clients) live beside it in application.properties. */
@ConfigMapping(prefix = "mailpulse")
public interface MailPulseConfig {

    Api api();

    Ingest ingest();

    Suppression suppression();

    Archive archive();

    Sending sending();

    Unsubscribe unsubscribe();

    Weekly weekly();

    Reports reports();

    Reputation reputation();

    Retention retention();

    interface Api {
        /**
         * Bearer tokens accepted on /api/**, comma separated (from a Kubernetes Secret). Several may be valid at
         * once so that a token can be rotated without downtime. Without any, every /api call is refused (and the prod
         * profile does not start).
         */
        Optional<List<String>> tokens();

        /**
         * Largest request body accepted, answered with 413 problem+json above it. Keep it under
         * quarkus.http.limits.max-body-size, which refuses bodies without a declared length at the HTTP layer.
         */
        @WithDefault("20M")
        io.quarkus.runtime.configuration.MemorySize maxBodySize();
    }

    interface Ingest {
        /** Turns the SQS pollers off, e.g. for a replica that only serves the API. */
        @WithDefault("true")
        boolean enabled();

        /** URL of the SQS queue that the SNS topic of SES events delivers to. */
        Optional<String> queueUrl();

        /** URL of the input queue's dead-letter queue; when set, its depth is exported as mailpulse_ingest_dead_letter_messages. */
        Optional<String> deadLetterQueueUrl();

        /** How often the dead-letter queue's depth is read. */
        @WithDefault("30s")
        Duration deadLetterCheckEvery();

        /** Concurrent long-pollers per replica; each applies up to mailpulse.ingest.flow.batches-per-poller batches at once. */
        @WithDefault("8")
        int pollers();

        /** Messages per receive, 1 to 10. */
        @WithDefault("10")
        int maxMessages();

        @WithDefault("20")
        int waitTimeSeconds();

        /** How long a received message stays invisible to other consumers while this one applies it. */
        @WithDefault("60")
        int visibilityTimeoutSeconds();

        /** First pause after a store or the queue fails; doubles up to max-backoff. */
        @WithDefault("1s")
        Duration initialBackoff();

        @WithDefault("30s")
        Duration maxBackoff();

        /** Larger bodies are kept truncated in the quarantine. */
        @WithDefault("262144")
        int quarantineBodyLimit();

        /** How long a processed input's key is remembered for deduplication; longer than SQS can redeliver. */
        @WithDefault("30d")
        Duration dedupeRetention();
    }

    interface Suppression {
        /** Transient bounces within soft-bounce-window, with no delivery between, that suppress an address. */
        @WithDefault("3")
        int softBounceThreshold();

        @WithDefault("30d")
        Duration softBounceWindow();
    }

    interface Archive {
        /** Raw events in MongoDB expire after this (TTL index on receivedAt). */
        @WithDefault("90d")
        Duration retention();
    }

    interface Sending {
        /** Turns the sender off, e.g. for a replica that only ingests events. */
        @WithDefault("true")
        boolean enabled();

        /** Most SendEmail calls per second from all replicas together: the SES account's maximum send rate. */
        @WithDefault("14")
        int maxRate();

        /** Messages claimed per round (FOR UPDATE SKIP LOCKED). */
        @WithDefault("50")
        int batchSize();

        /** Attempts before a transient SES error marks the message FAILED; throttling does not count. */
        @WithDefault("5")
        int maxAttempts();

        @WithDefault("2s")
        Duration initialRetryBackoff();

        @WithDefault("5m")
        Duration maxRetryBackoff();

        /** How often the sender looks for work when it found none. */
        @WithDefault("1s")
        Duration pollInterval();

        /** A message still SENDING after this is reported for review (never resent automatically). */
        @WithDefault("10m")
        Duration stuckAfter();

        @WithDefault("MailPulse <no-reply@mailpulse.local>")
        String fromAddress();

        /** SES configuration set whose event destination publishes to the SNS topic MailPulse consumes. */
        Optional<String> configurationSet();
    }

    interface Unsubscribe {
        /** Public base URL of this service, for the List-Unsubscribe link. */
        @WithDefault("http://localhost:8080")
        String baseUrl();

        @WithDefault("90d")
        Duration tokenTtl();
    }

    interface Weekly {
        @WithDefault("true")
        boolean enabled();

        /** When the weekly job runs (Quartz-style cron, UTC). */
        @WithDefault("0 0 6 * * ?")
        String cron();
    }

    interface Reports {
        @WithDefault("true")
        boolean rollupEnabled();

        /** When the daily rollup runs (UTC); it rolls up every completed day not rolled up yet. */
        @WithDefault("0 15 0 * * ?")
        String rollupCron();

        /** How far back a catch-up reaches after a long outage. */
        @WithDefault("35")
        int catchUpDays();
    }

    interface Reputation {
        @WithDefault("true")
        boolean enabled();

        /** Rates are of the messages sent within this window. */
        @WithDefault("24h")
        Duration window();

        /** Hard-bounce rate at which sending stops (SES reviews accounts at 5%). */
        @WithDefault("0.05")
        double bounceLimit();

        /** Complaint rate at which sending stops (SES reviews accounts at 0.1%). */
        @WithDefault("0.001")
        double complaintLimit();

        /** Fewer sends than this in the window say nothing about reputation; the guard waits. */
        @WithDefault("100")
        int minVolume();

        @WithDefault("1m")
        Duration checkEvery();
    }

    interface Retention {
        /** History rows (email_events_op) older than this are dropped, a whole month partition at a time. */
        @WithDefault("90d")
        Duration operationalEvents();

        /** Per-event report rows (ses_report_detail) older than this are dropped the same way. */
        @WithDefault("400d")
        Duration reportDetails();

        @WithDefault("0 30 1 * * ?")
        String cron();
    }
}
