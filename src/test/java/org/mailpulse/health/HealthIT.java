package org.mailpulse.health;

import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.BeforeAll;
import org.mailpulse.testsupport.ApiToken;
import org.mailpulse.testsupport.TestServers;

import static io.restassured.RestAssured.given;

/**
 * The health checks against the packaged application (the jar here; the native executable where GraalVM exists),
 * on its management interface.
 */
@QuarkusIntegrationTest
class HealthIT extends HealthTest {

    @BeforeAll
    static void token() {
        ApiToken.install();
    }

    @Override
    protected RequestSpecification operations() {
        return given().port(TestServers.managementPort());
    }
}
