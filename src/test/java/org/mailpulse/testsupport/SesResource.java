package org.mailpulse.testsupport;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import org.mailpulse.embedded.EmbeddedSqsServer;
import org.mailpulse.embedded.FreePort;
import org.mailpulse.embedded.SesEmulatorProcess;
import org.mailpulse.embedded.ses.SesSimulator;

import java.util.HashMap;
import java.util.Map;

/**
 * aws-ses-v2-local, which keeps every mail it receives at GET /store, behind the SES simulator in proxy mode,
 * which forwards every call to it unless a test has armed a fault (throttling, 5xx, rejection) over HTTP.
 */
public class SesResource implements QuarkusTestResourceLifecycleManager {

    public static final double HARNESS_MAX_24_HOUR_SEND = 10_000_000;
    public static final double HARNESS_MAX_SEND_RATE = 10_000;

    private SesEmulatorProcess process;
    private SesSimulator proxy;

    @Override
    public Map<String, String> start() {
        process = SesEmulatorProcess.start(SesEmulatorProcess.defaultDirectory(), FreePort.find());
        proxy = SesSimulator.start(FreePort.find(), SesSimulator.Options.defaults().withUpstream(process.endpoint()));
        // An account whose quota is never the limit unless a test lowers it (POST /_simulator/account).
        proxy.account().quota(HARNESS_MAX_24_HOUR_SEND, HARNESS_MAX_SEND_RATE);
        System.setProperty(TestServers.SES_ENDPOINT, process.endpoint());
        System.setProperty(TestServers.SES_PROXY, proxy.endpoint());
        Map<String, String> config = new HashMap<>();
        config.put("quarkus.ses.endpoint-override", proxy.endpoint());
        config.put("quarkus.ses.aws.region", EmbeddedSqsServer.REGION);
        config.put("quarkus.ses.aws.credentials.type", "static");
        config.put("quarkus.ses.aws.credentials.static-provider.access-key-id", EmbeddedSqsServer.ACCESS_KEY);
        config.put("quarkus.ses.aws.credentials.static-provider.secret-access-key", EmbeddedSqsServer.SECRET_KEY);
        return config;
    }

    @Override
    public void stop() {
        if (proxy != null) {
            proxy.close();
        }
        if (process != null) {
            process.close();
        }
    }
}
