package org.mailpulse.config;

import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.runtime.configuration.ConfigUtils;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import org.mailpulse.ingest.sns.SnsConfig;

import java.util.ArrayList;
import java.util.List;

/**
 * In the prod profile, refuses to start with any of the {@link ProductionChecks} problems: one error line each,
 * then the start fails (the process exits non-zero), before the pollers, the sender and the jobs begin.
 */
@ApplicationScoped
public class ProductionGuard {

    private final MailPulseConfig config;
    private final SnsConfig sns;

    public ProductionGuard(MailPulseConfig config, SnsConfig sns) {
        this.config = config;
        this.sns = sns;
    }

    void check(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) StartupEvent event) {
        if (!ConfigUtils.isProfileActive("prod")) {
            return;
        }
        List<String> problems = new ArrayList<>(ProductionChecks.problems(config));
        problems.addAll(ProductionChecks.sns(config.ingest().enabled(), sns));
        if (problems.isEmpty()) {
            return;
        }
        for (String problem : problems) {
            Log.errorf("Production configuration: %s", problem);
        }
        throw new IllegalStateException("MailPulse refuses to start in the prod profile: " + problems.size()
                + " configuration problem(s), each logged above");
    }
}
