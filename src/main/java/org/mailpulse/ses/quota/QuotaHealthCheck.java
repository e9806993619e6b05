package org.mailpulse.ses.quota;

import io.smallrye.health.api.HealthGroup;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;

/**
 * In {@code /q/health/group/reputation}: DOWN while SES lets the account send nothing (daily quota used up, sending
 * paused), with the reason. Not part of readiness: ingestion goes on meanwhile.
 */
@HealthGroup("reputation")
@ApplicationScoped
public class QuotaHealthCheck implements HealthCheck {

    private final QuotaGuard guard;

    public QuotaHealthCheck(QuotaGuard guard) {
        this.guard = guard;
    }

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("SES sending quota").withData("effectiveRate", guard.effectiveRate());
        AccountQuota account = guard.account();
        if (account != null) {
            response.withData("maxSendRate", String.valueOf(account.maxSendRate())).withData("max24HourSend", String.valueOf(account.max24HourSend()))
                    .withData("sentLast24Hours", String.valueOf(account.sentLast24Hours())).withData("sendingEnabled", account.sendingEnabled());
        }
        String reason = guard.blockedReason();
        return reason == null ? response.up().build() : response.down().withData("reason", reason).build();
    }
}
