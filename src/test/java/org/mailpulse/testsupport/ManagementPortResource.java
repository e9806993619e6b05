package org.mailpulse.testsupport;

import io.quarkus.test.common.DevServicesContext;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import org.mailpulse.embedded.FreePort;

import java.util.Map;

/**
 * The management interface of the packaged application {@code @QuarkusIntegrationTest} starts, on a free port.
 * The prod build routes health and metrics to the management interface; the test profile the instance runs with
 * must switch that interface on too, or nothing would serve them. {@code @QuarkusTest} (built without it) is
 * left alone.
 */
public class ManagementPortResource implements QuarkusTestResourceLifecycleManager, DevServicesContext.ContextAware {

    private boolean integrationTest;

    @Override
    public void setIntegrationTestContext(DevServicesContext context) {
        integrationTest = true;
    }

    @Override
    public Map<String, String> start() {
        if (!integrationTest) {
            return Map.of();
        }
        int port = FreePort.find();
        System.setProperty(TestServers.MANAGEMENT_PORT, String.valueOf(port));
        return Map.of("quarkus.management.enabled", "true", "quarkus.management.port", String.valueOf(port));
    }

    @Override
    public void stop() {
        System.clearProperty(TestServers.MANAGEMENT_PORT);
    }
}
