package org.mailpulse.ingest.sns;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** How SNS envelopes on the event queue are verified before anything in them is applied. */
@ConfigMapping(prefix = "mailpulse.ingest.sns")
public interface SnsConfig {

    /** The production value of {@link #certificateHostPattern()}; any other value is refused in the prod profile. */
    String DEFAULT_CERTIFICATE_HOST_PATTERN = "sns\\.[a-z0-9]+(-[a-z0-9]+)*\\.amazonaws\\.com(\\.cn)?";

    /** Checks each SNS envelope's signature, signing certificate and topic; a failure quarantines the body. */
    @WithDefault("true")
    boolean verifySignatures();

    /** The SNS topics whose envelopes are accepted (exact ARNs); required in production while verification is on. */
    Optional<List<String>> topicArns();

    /** Hosts a SigningCertURL may name (a regular expression matched against the whole host, case-insensitively). */
    @WithDefault(DEFAULT_CERTIFICATE_HOST_PATTERN)
    String certificateHostPattern();

    /**
     * A PEM file of CA certificates trusted instead of the JDK's, both for the HTTPS connection that fetches a
     * signing certificate and for that certificate's chain. For tests only: production refuses it.
     */
    Optional<String> certificateTrustPem();

    /** How long fetching one signing certificate may take before the batch is left on the queue and retried. */
    @WithDefault("5s")
    Duration certificateFetchTimeout();
}
