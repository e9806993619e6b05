package org.mailpulse.testsupport;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import org.mailpulse.embedded.FreePort;

import java.util.Map;

/**
 * A free port for the management interface. The packaged application is built with the prod profile, which
 * turns the management interface on (a build-time choice), so the instance {@code @QuarkusIntegrationTest}
 * starts serves health and metrics there; {@code @QuarkusTest} builds without it and ignores the port.
 */
public class ManagementPortResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        int port = FreePort.find();
        System.setProperty(TestServers.MANAGEMENT_PORT, String.valueOf(port));
        return Map.of("quarkus.management.port", String.valueOf(port));
    }

    @Override
    public void stop() {
        System.clearProperty(TestServers.MANAGEMENT_PORT);
    }
}
