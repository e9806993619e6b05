package org.mailpulse.ingest;

import io.quarkus.test.junit.QuarkusIntegrationTest;
import org.junit.jupiter.api.BeforeAll;
import org.mailpulse.testsupport.ApiToken;

/** Every SES event type through SQS into the packaged application, asserted in PostgreSQL and through the API. */
@QuarkusIntegrationTest
class SesEventIngestionIT extends SesEventIngestionTest {

    @BeforeAll
    static void token() {
        ApiToken.install();
    }
}
