package org.mailpulse.health;

import io.smallrye.health.api.HealthGroup;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.mailpulse.ingest.IngestPipeline;

/**
 * In {@code /q/health/group/ingestion}: DOWN while the pipeline backs off after a failed batch, so an outage of
 * any store ingestion writes to shows here.
 */
@HealthGroup(IngestBackoffCheck.GROUP)
@ApplicationScoped
public class IngestBackoffCheck implements HealthCheck {

    /** The health group of everything ingestion needs; deliberately not readiness, which the HTTP endpoints own. */
    public static final String GROUP = "ingestion";

    private final IngestPipeline pipeline;

    public IngestBackoffCheck(IngestPipeline pipeline) {
        this.pipeline = pipeline;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("SES event ingestion").withData("running", pipeline.isRunning());
        if (pipeline.isBackingOff()) {
            return response.down().withData("lastFailure", String.valueOf(pipeline.lastFailure())).build();
        }
        return response.up().build();
    }
}
