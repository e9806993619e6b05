package org.mailpulse.reliability;

import org.mailpulse.testsupport.AppInstance;
import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.Map;

/**
 * The reliability scenarios run their own instances of the packaged application ({@link AppInstance}); the one the
 * test framework starts only stands by, so that it neither consumes the queue nor sends nor runs jobs nor delivers webhooks.
 */
public class ReliabilityProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "mailpulse.ingest.enabled", "false",
                "mailpulse.sending.enabled", "false",
                "mailpulse.reports.rollup-enabled", "false",
                "mailpulse.reputation.enabled", "false",
                "mailpulse.webhooks.delivery-enabled", "false");
    }
}
