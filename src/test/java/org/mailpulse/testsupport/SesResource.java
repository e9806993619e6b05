package org.mailpulse.testsupport;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import org.mailpulse.embedded.EmbeddedSqsServer;
import org.mailpulse.embedded.FreePort;
import org.mailpulse.embedded.SesEmulatorProcess;

import java.util.HashMap;
import java.util.Map;

/** aws-ses-v2-local, which keeps every mail it receives at GET /store. */
public class SesResource implements QuarkusTestResourceLifecycleManager {

    private SesEmulatorProcess process;

    @Override
    public Map<String, String> start() {
        process = SesEmulatorProcess.start(SesEmulatorProcess.defaultDirectory(), FreePort.find());
        System.setProperty(TestServers.SES_ENDPOINT, process.endpoint());
        Map<String, String> config = new HashMap<>();
        config.put("quarkus.ses.endpoint-override", process.endpoint());
        config.put("quarkus.ses.aws.region", EmbeddedSqsServer.REGION);
        config.put("quarkus.ses.aws.credentials.type", "static");
        config.put("quarkus.ses.aws.credentials.static-provider.access-key-id", EmbeddedSqsServer.ACCESS_KEY);
        config.put("quarkus.ses.aws.credentials.static-provider.secret-access-key", EmbeddedSqsServer.SECRET_KEY);
        return config;
    }

    @Override
    public void stop() {
        if (process != null) {
            process.close();
        }
    }
}
