package org.mailpulse.suppression.sessync;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;
import org.mailpulse.suppression.repository.SesSyncRepository;

import java.time.Duration;

/**
 * Tells the database triggers at start which changes to queue for SES: suppressions only with export on; lifts with
 * either direction on (an address read in from SES and lifted here must go from SES too). Written without blocking
 * the start, and tried until the database answers.
 */
@ApplicationScoped
public class SesSyncSwitches {

    private static final Logger LOG = Logger.getLogger(SesSyncSwitches.class);

    private final SesSyncRepository repository;
    private final SesSuppressionSyncConfig config;

    public SesSyncSwitches(SesSyncRepository repository, SesSuppressionSyncConfig config) {
        this.repository = repository;
        this.config = config;
    }

    void onStart(@Observes StartupEvent start) {
        boolean export = config.export();
        boolean lift = config.export() || config.importing();
        repository.setSwitches(export, lift)
                .onFailure().invoke(e -> LOG.warnf("Could not store the SES suppression sync switches yet: %s", e.toString()))
                .onFailure().retry().withBackOff(Duration.ofSeconds(1), Duration.ofSeconds(30)).indefinitely()
                .subscribe().with(ignored -> LOG.infof("SES account suppression list sync: export %s, import %s",
                        export ? "on" : "off", config.importing() ? "on" : "off"), e -> LOG.error("SES suppression sync switches not stored", e));
    }
}
