package org.mailpulse.customer;

import io.quarkus.test.junit.QuarkusIntegrationTest;
import org.junit.jupiter.api.BeforeAll;
import org.mailpulse.testsupport.ApiToken;

/** The customer API, validation and CSV import against the packaged application. */
@QuarkusIntegrationTest
class CustomerApiIT extends CustomerApiTest {

    @BeforeAll
    static void token() {
        ApiToken.install();
    }
}
