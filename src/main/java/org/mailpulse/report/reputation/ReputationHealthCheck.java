package org.mailpulse.report.reputation;

import io.smallrye.health.api.HealthGroup;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;

/**
 * {@code /q/health/group/reputation}: DOWN while the rates are over a limit. Deliberately not part of readiness:
 * ingestion must go on while sending is paused.
 */
@HealthGroup("reputation")
@ApplicationScoped
public class ReputationHealthCheck implements HealthCheck {

    private final ReputationGuard guard;

    public ReputationHealthCheck(ReputationGuard guard) {
        this.guard = guard;
    }

    @Override
    public HealthCheckResponse call() {
        ReputationGuard.Rates rates = guard.lastRates();
        var response = HealthCheckResponse.named("Sending reputation")
                .withData("sent", rates.sent()).withData("bounceRate", String.valueOf(rates.bounceRate())).withData("complaintRate", String.valueOf(rates.complaintRate()));
        return rates.overLimit() ? response.down().withData("reason", rates.reason()).build() : response.up().build();
    }
}
