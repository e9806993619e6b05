package org.mailpulse.ses.quota;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import org.mailpulse.campaign.PauseCause;
import org.mailpulse.campaign.repository.CampaignStatusRepository;
import org.mailpulse.config.MailPulseConfig;
import org.mailpulse.ses.SendOutcome;
import org.mailpulse.ses.repository.SendScheduleRepository;
import software.amazon.awssdk.services.sesv2.SesV2AsyncClient;
import software.amazon.awssdk.services.sesv2.model.GetAccountRequest;

import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.Executor;

/**
 * Follows the SES account's quota. Each replica reads GetAccount at start and every {@code refresh-every}: the
 * effective send rate is the lower of {@code mailpulse.sending.max-rate} and the account's MaxSendRate, and what is
 * left of the 24-hour quota (less a margin) goes into the schedule all replicas reserve their send slots from, which
 * counts every replica's sends down until the next read. When it runs out, or SES answers LimitExceededException or
 * SendingPausedException, every queued and sending campaign pauses with the reason; the messages themselves never
 * fail for it. A campaign paused for the daily quota resumes by itself at the first read that finds quota free
 * again; one paused because SES paused the account resumes only by an operator's deliberate resume.
 */
@ApplicationScoped
public class QuotaGuard {

    private final SesV2AsyncClient ses;
    private final SendScheduleRepository schedule;
    private final CampaignStatusRepository campaigns;
    private final QuotaConfig config;
    private final int configuredRate;
    private final MeterRegistry registry;
    private final Vertx vertx;
    private volatile AccountQuota account;
    private volatile String dailyQuotaReason;
    private volatile String accountPausedReason;

    public QuotaGuard(SesV2AsyncClient ses, SendScheduleRepository schedule, CampaignStatusRepository campaigns, QuotaConfig config,
                      MailPulseConfig mailPulse, MeterRegistry registry, Vertx vertx) {
        this.ses = ses;
        this.schedule = schedule;
        this.campaigns = campaigns;
        this.config = config;
        this.configuredRate = Math.max(1, mailPulse.sending().maxRate());
        this.registry = registry;
        this.vertx = vertx;
        Gauge.builder("mailpulse.send.rate.effective", this, QuotaGuard::effectiveRate).register(registry);
        Gauge.builder("mailpulse.ses.account.max.send.rate", this, g -> g.account == null ? Double.NaN : g.account.maxSendRate()).register(registry);
        Gauge.builder("mailpulse.ses.account.max.24.hour.send", this, g -> g.account == null ? Double.NaN : g.account.max24HourSend()).register(registry);
        Gauge.builder("mailpulse.ses.account.sent.last.24.hours", this, g -> g.account == null ? Double.NaN : g.account.sentLast24Hours()).register(registry);
        Gauge.builder("mailpulse.ses.quota.blocked", this, g -> g.dailyQuotaReason == null ? 0 : 1).tag("cause", PauseCause.DAILY_QUOTA.code()).register(registry);
        Gauge.builder("mailpulse.ses.quota.blocked", this, g -> g.accountPausedReason == null ? 0 : 1).tag("cause", PauseCause.ACCOUNT_PAUSED.code()).register(registry);
    }

    /** SendEmail calls per second for all replicas together: the lower of the configured and the account's rate. */
    public int effectiveRate() {
        AccountQuota known = account;
        return known == null ? configuredRate : Math.min(configuredRate, known.rate(configuredRate));
    }

    /** Why sending is stopped for the account now (daily quota used up, account paused), or null if it is not. */
    public String blockedReason() {
        String paused = accountPausedReason;
        return paused != null ? paused : dailyQuotaReason;
    }

    /** The last GetAccount answer, or null before the first. */
    public AccountQuota account() {
        return account;
    }

    @Scheduled(every = "${mailpulse.quota.refresh-every:1m}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return refresh();
    }

    /** Reads GetAccount and acts on it; a failed read keeps what was known (and is retried at the next). */
    public Uni<Void> refresh() {
        Context context = VertxContext.getOrCreateDuplicatedContext(vertx);
        Executor onContext = command -> context.runOnContext(ignored -> command.run());
        return Uni.createFrom().completionStage(() -> ses.getAccount(GetAccountRequest.builder().build()))
                .emitOn(onContext)
                .map(response -> AccountQuota.of(response, Instant.now()))
                .chain(this::apply)
                .onFailure().recoverWithUni(failure -> {
                    Log.warnf("SES GetAccount failed, keeping the last known quota: %s", failure.getMessage());
                    return Uni.createFrom().voidItem();
                });
    }

    private Uni<Void> apply(AccountQuota read) {
        AccountQuota before = account;
        account = read;
        if (before == null || before.rate(configuredRate) != read.rate(configuredRate)) {
            Log.infof("SES account: MaxSendRate %.1f, Max24HourSend %.0f, %.0f sent in the last 24 hours; sending at %d/s",
                    read.maxSendRate(), read.max24HourSend(), read.sentLast24Hours(), effectiveRate());
        }
        if (!read.sendingEnabled()) {
            return block(PauseCause.ACCOUNT_PAUSED, "SES has paused sending for the account (enforcement status "
                    + read.enforcementStatus() + ")");
        }
        accountPausedReason = null;
        if (read.unlimited()) {
            return schedule.setDailyRemaining(null).chain(this::unblockDailyQuota);
        }
        long remaining = read.remaining(config.dailyMargin());
        if (remaining > 0) {
            return schedule.setDailyRemaining(remaining).chain(this::unblockDailyQuota);
        }
        return block(PauseCause.DAILY_QUOTA, String.format(Locale.ROOT,
                "SES daily quota: %.0f of %.0f sent in the last 24 hours", read.sentLast24Hours(), read.max24HourSend()));
    }

    /** The sender found the schedule's share of the 24-hour quota used up: nothing more is sent until quota frees. */
    public Uni<Void> quotaUsedUp() {
        AccountQuota known = account;
        return known != null && !known.sendingEnabled()
                ? block(PauseCause.ACCOUNT_PAUSED, "SES has paused sending for the account")
                : block(PauseCause.DAILY_QUOTA, "SES daily quota used up (the part left before the margin is sent)");
    }

    /** SES refused a SendEmail for the account: no replica sends until the next read says it may. */
    public Uni<Void> refused(SendOutcome.Refusal refusal, String detail) {
        PauseCause cause = refusal == SendOutcome.Refusal.DAILY_QUOTA ? PauseCause.DAILY_QUOTA : PauseCause.ACCOUNT_PAUSED;
        return block(cause, "SES refused sending: " + detail);
    }

    private Uni<Void> block(PauseCause cause, String reason) {
        if (cause == PauseCause.ACCOUNT_PAUSED) {
            accountPausedReason = reason;
        } else {
            dailyQuotaReason = reason;
        }
        return schedule.setDailyRemaining(0L)
                .chain(() -> campaigns.pauseAll(cause, reason))
                .invoke(paused -> {
                    if (paused > 0) {
                        Log.warnf("%s: %d campaigns paused", reason, paused);
                        registry.counter("mailpulse.campaigns.quota.paused", "cause", cause.code()).increment(paused);
                    }
                })
                .replaceWithVoid();
    }

    private Uni<Void> unblockDailyQuota() {
        dailyQuotaReason = null;
        return campaigns.resumeAll(PauseCause.DAILY_QUOTA).invoke(resumed -> {
            if (resumed > 0) {
                Log.infof("SES daily quota free again: %d campaigns resumed", resumed);
            }
        }).replaceWithVoid();
    }
}
