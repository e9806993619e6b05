package org.mailpulse.health;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;
import org.mailpulse.ingest.IngestPipeline;

/** DOWN while the pipeline backs off after a failed batch, so an outage of any store shows here. */
@Readiness
@ApplicationScoped
public class IngestReadinessCheck implements HealthCheck {

    private final IngestPipeline pipeline;

    public IngestReadinessCheck(IngestPipeline pipeline) {
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
