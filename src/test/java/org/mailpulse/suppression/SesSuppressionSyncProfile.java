package org.mailpulse.suppression;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.Map;

/**
 * Both directions of the SES account suppression list sync on, with the schedules off: the tests run the export
 * and the import themselves, small pages so that an import spans several, and short back-off.
 */
public class SesSuppressionSyncProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "mailpulse.ses-suppression.export", "true",
                "mailpulse.ses-suppression.import", "true",
                "mailpulse.ses-suppression.export-every", "off",
                "mailpulse.ses-suppression.import-every", "off",
                "mailpulse.ses-suppression.page-size", "3",
                "mailpulse.ses-suppression.batch-size", "4",
                "mailpulse.ses-suppression.import-overlap", "PT0S",
                "mailpulse.ses-suppression.retry-initial", "PT0.1S",
                "mailpulse.ses-suppression.retry-max", "PT0.4S");
    }
}
