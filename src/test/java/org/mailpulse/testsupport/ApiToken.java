package org.mailpulse.testsupport;

import io.quarkus.test.junit.callback.QuarkusTestBeforeEachCallback;
import io.quarkus.test.junit.callback.QuarkusTestMethodContext;
import io.restassured.RestAssured;
import io.restassured.builder.RequestSpecBuilder;

/** Every rest-assured call of the tests carries the test API token unless a test says otherwise. */
public class ApiToken implements QuarkusTestBeforeEachCallback {

    public static final String TOKEN = "test-token";

    @Override
    public void beforeEach(QuarkusTestMethodContext context) {
        RestAssured.requestSpecification = new RequestSpecBuilder().addHeader("Authorization", "Bearer " + TOKEN).build();
    }
}
