package org.mailpulse.suppression.sessync;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

import java.time.Duration;

/** The sync with the SES account-level suppression list, {@code mailpulse.ses-suppression.*}. */
@ConfigMapping(prefix = "mailpulse.ses-suppression")
public interface SesSuppressionSyncConfig {

    /** Put the hard bounces and complaints MailPulse suppresses on the SES account list. */
    @WithDefault("false")
    boolean export();

    /** Read the SES account list in, incrementally, as suppressions with source {@code ses-account}. */
    @WithName("import")
    @WithDefault("false")
    boolean importing();

    /** How often the outbox of changes for SES is worked through (a Quarkus {@code every}; {@code off} for never). */
    @WithDefault("10s")
    String exportEvery();

    /** How often the SES account list is read (a Quarkus {@code every}; {@code off} for never). */
    @WithDefault("5m")
    String importEvery();

    /** Changes claimed at a time (each one SES call, one after the other). */
    @WithDefault("50")
    int batchSize();

    /** Batches per export run at most, so one run ends. */
    @WithDefault("20")
    int maxBatchesPerRun();

    /** The PageSize of ListSuppressedDestinations (SES allows up to 1000). */
    @WithDefault("1000")
    int pageSize();

    /** How far before the last seen update time an import starts again, for entries SES makes visible late. */
    @WithDefault("PT5M")
    Duration importOverlap();

    /** The wait after a failed SES call, doubling with each further failure of the same change up to retry-max. */
    @WithDefault("PT5S")
    Duration retryInitial();

    @WithDefault("PT15M")
    Duration retryMax();

    /** How long a claimed change or the import is held by one replica before another may take it over. */
    @WithDefault("PT5M")
    Duration lease();
}
