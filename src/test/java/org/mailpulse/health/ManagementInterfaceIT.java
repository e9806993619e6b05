package org.mailpulse.health;

import io.quarkus.test.junit.QuarkusIntegrationTest;
import org.junit.jupiter.api.Test;
import org.mailpulse.embedded.FreePort;
import org.mailpulse.testsupport.AppInstance;

import java.net.http.HttpResponse;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged application with the management interface on, as the prod profile has it: health and metrics
 * answer on the management port and nowhere else; the API, the unsubscribe page and the OpenAPI document stay on
 * the main port, and the management port serves none of them.
 */
@QuarkusIntegrationTest
class ManagementInterfaceIT {

    private static final String UNKNOWN_UNSUBSCRIBE = "/unsubscribe/" + "A".repeat(43);

    @Test
    void operationsOnTheManagementPortTrafficOnTheMainPort() throws Exception {
        int management = FreePort.find();
        try (AppInstance app = AppInstance.start("management", "-Dquarkus.management.port=" + management)) {
            app.awaitReady(Duration.ofSeconds(90));
            assertThat(app.managementUrl()).isEqualTo("http://localhost:" + management).isNotEqualTo(app.baseUrl());

            for (String path : new String[] {"/q/health", "/q/health/live", "/q/health/ready", "/q/health/started", "/q/health/group/ingestion", "/q/health/group/reputation"}) {
                assertThat(app.getManagement(path).statusCode()).as("management port %s", path).isEqualTo(200);
                assertThat(app.get(path).statusCode()).as("main port %s", path).isEqualTo(404);
            }
            HttpResponse<String> metrics = app.getManagement("/q/metrics");
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.body()).contains("mailpulse_ingest_batch_apply_seconds");
            assertThat(app.get("/q/metrics").statusCode()).as("main port /q/metrics").isEqualTo(404);

            assertThat(app.get("/api/customers").statusCode()).isEqualTo(200);
            assertThat(app.get(UNKNOWN_UNSUBSCRIBE).statusCode()).isEqualTo(404);
            assertThat(app.get(UNKNOWN_UNSUBSCRIBE).body()).contains("not valid");
            HttpResponse<String> openApi = app.get("/q/openapi?format=json");
            assertThat(openApi.statusCode()).isEqualTo(200);
            assertThat(openApi.body()).contains("\"openapi\"").contains("/api/customers").contains("/unsubscribe/{token}");

            for (String path : new String[] {"/api/customers", UNKNOWN_UNSUBSCRIBE, "/q/openapi"}) {
                assertThat(app.getManagement(path).statusCode()).as("management port %s", path).isEqualTo(404);
            }
        }
    }
}
