package org.mailpulse.health;

import io.quarkus.test.junit.QuarkusIntegrationTest;
import org.junit.jupiter.api.BeforeAll;
import org.mailpulse.testsupport.ApiToken;

/** The health checks against the packaged application (the jar here; the native executable where GraalVM exists). */
@QuarkusIntegrationTest
class HealthIT extends HealthTest {

    @BeforeAll
    static void token() {
        ApiToken.install();
    }
}
