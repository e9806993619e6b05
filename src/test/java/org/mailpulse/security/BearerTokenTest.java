package org.mailpulse.security;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/** Every /api route, as listed by the OpenAPI document, refuses a missing or wrong token; public routes stay open. */
@QuarkusTest
class BearerTokenTest {

    private static final Set<String> METHODS = Set.of("get", "post", "put", "patch", "delete");

    @Test
    void everyApiRouteAnswers401WithoutAValidToken() {
        Map<String, Map<String, Object>> paths = given().get("/q/openapi?format=json").then().statusCode(200)
                .extract().jsonPath().getMap("paths");
        List<String> routes = new ArrayList<>();
        paths.forEach((path, operations) -> operations.keySet().stream().filter(METHODS::contains)
                .forEach(method -> routes.add(method.toUpperCase() + " " + path)));
        List<String> apiRoutes = routes.stream().filter(r -> r.contains(" /api/")).toList();
        assertThat(apiRoutes).hasSizeGreaterThanOrEqualTo(20);

        for (String route : apiRoutes) {
            String method = route.substring(0, route.indexOf(' '));
            String path = route.substring(route.indexOf(' ') + 1).replaceAll("\\{[^}]+}", "00000000-0000-0000-0000-000000000001");
            for (String authorization : new String[]{null, "Bearer wrong-token", "Basic dGVzdC10b2tlbg==", "Bearer "}) {
                var request = RestAssured.given().noFilters().contentType("application/json").body("{}");
                if (authorization != null) {
                    request.header("Authorization", authorization);
                }
                Response response = request.request(method, path);
                assertThat(response.statusCode()).as(route + " with " + authorization).isEqualTo(401);
                assertThat(response.contentType()).startsWith("application/problem+json");
                assertThat(response.header("WWW-Authenticate")).isEqualTo("Bearer realm=\"mailpulse\"");
                assertThat(response.asString()).doesNotContain("test-token");
            }
        }
    }

    @Test
    void everyConfiguredTokenIsAccepted() {
        for (String token : List.of("test-token", "second-test-token")) {
            RestAssured.given().noFilters().header("Authorization", "Bearer " + token).get("/api/suppressions").then().statusCode(200);
        }
    }

    @Test
    void healthMetricsOpenApiAndUnsubscribeArePublic() {
        RestAssured.given().noFilters().get("/q/health/live").then().statusCode(200);
        RestAssured.given().noFilters().get("/q/metrics").then().statusCode(200);
        RestAssured.given().noFilters().get("/q/openapi").then().statusCode(200);
        RestAssured.given().noFilters().get("/unsubscribe/" + "x".repeat(43)).then().statusCode(404);
    }
}
