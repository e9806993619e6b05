package org.mailpulse.testsupport;

import io.quarkus.test.junit.callback.QuarkusTestBeforeEachCallback;
import io.quarkus.test.junit.callback.QuarkusTestMethodContext;
import io.restassured.RestAssured;
import io.restassured.filter.Filter;

/**
 * Every rest-assured call of the tests carries the test API token unless it sets its own Authorization header
 * or opts out with {@code given().noFilters()}.
 */
public class ApiToken implements QuarkusTestBeforeEachCallback {

    public static final String TOKEN = "test-token";

    private static final Filter BEARER = (request, response, context) -> {
        if (!request.getHeaders().hasHeaderWithName("Authorization")) {
            request.header("Authorization", "Bearer " + TOKEN);
        }
        return context.next(request, response);
    };

    @Override
    public void beforeEach(QuarkusTestMethodContext context) {
        install();
    }

    /** For tests outside the Quarkus test callbacks (the packaged-application *IT classes). */
    public static synchronized void install() {
        if (!RestAssured.filters().contains(BEARER)) {
            RestAssured.filters(BEARER);
        }
    }
}
