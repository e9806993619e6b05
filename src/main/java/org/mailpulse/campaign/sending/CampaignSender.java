package org.mailpulse.campaign.sending;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import org.mailpulse.common.Backoff;
import org.mailpulse.common.Emails;
import org.mailpulse.config.MailPulseConfig;
import org.mailpulse.ses.SendOutcome;
import org.mailpulse.ses.SendRateLimiter;
import org.mailpulse.ses.SesMailer;
import org.mailpulse.unsubscribe.service.UnsubscribeTokens;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sends the due messages of sending campaigns. Each round claims at most one second's worth of messages
 * (so a crash strands few claims), reserves as many send slots from the schedule all replicas share, sends each
 * message in its slot, records each outcome, and repeats while there is work, then closes finished campaigns. Any
 * number of replicas can run it side by side.
 */
@ApplicationScoped
public class CampaignSender {

    /** A round hands the scheduler back after this long, even with work left (the next round continues it). */
    static final Duration ROUND_BUDGET = Duration.ofSeconds(30);

    private final SendLedger ledger;
    private final MessageComposer composer;
    private final SesMailer mailer;
    private final SendRateLimiter limiter;
    private final MailPulseConfig config;
    private final MeterRegistry registry;
    private final Vertx vertx;
    private final AtomicLong stuck;

    public CampaignSender(SendLedger ledger, MessageComposer composer, SesMailer mailer, SendRateLimiter limiter,
                          MailPulseConfig config, MeterRegistry registry, Vertx vertx) {
        this.ledger = ledger;
        this.composer = composer;
        this.mailer = mailer;
        this.limiter = limiter;
        this.config = config;
        this.registry = registry;
        this.vertx = vertx;
        this.stuck = registry.gauge("mailpulse.send.stuck", new AtomicLong());
    }

    @Scheduled(every = "${mailpulse.sending.poll-interval:1s}", delayed = "2s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    public Uni<Void> round() {
        if (!config.sending().enabled()) {
            return Uni.createFrom().voidItem();
        }
        Context context = VertxContext.getOrCreateDuplicatedContext(vertx);
        Executor onContext = command -> context.runOnContext(ignored -> command.run());
        Instant deadline = Instant.now().plus(ROUND_BUDGET);
        return ledger.prepare()
                .chain(() -> Multi.createBy().repeating().uni(() -> sendClaim(onContext)).whilst(sent -> sent > 0 && Instant.now().isBefore(deadline))
                        .collect().last())
                .chain(ledger::completeCampaigns)
                .chain(ledger::stuckCount)
                .invoke(stuck::set)
                .replaceWithVoid()
                .onFailure().recoverWithUni(failure -> {
                    Log.warnf("Send round failed, retried next round: %s", failure.getMessage());
                    return Uni.createFrom().voidItem();
                });
    }

    /** Claims and sends one slice; emits how many messages it claimed. */
    private Uni<Integer> sendClaim(Executor onContext) {
        int limit = Math.max(1, Math.min(config.sending().batchSize(), config.sending().maxRate()));
        return ledger.claim(limit).chain(claim -> {
            if (claim.messages().isEmpty()) {
                return Uni.createFrom().item(0);
            }
            List<String> tokens = new ArrayList<>();
            List<byte[]> hashes = new ArrayList<>();
            for (int i = 0; i < claim.messages().size(); i++) {
                String token = UnsubscribeTokens.newToken();
                tokens.add(token);
                hashes.add(UnsubscribeTokens.hash(token));
            }
            return ledger.issueTokens(claim.messages(), hashes)
                    .chain(() -> limiter.reserve(claim.messages().size()))
                    .chain(slots -> Multi.createFrom().range(0, claim.messages().size())
                            .onItem().transformToUni(i -> sendOne(claim.messages().get(i),
                                    claim.templates().get(claim.messages().get(i).templateId()), tokens.get(i), slots, i, onContext))
                            .merge(Math.max(1, config.sending().maxRate()))
                            .collect().last())
                    .replaceWith(claim.messages().size());
        });
    }

    private Uni<Void> sendOne(ClaimedMessage message, MessageComposer.TemplateContent template, String token, SendRateLimiter.Slots slots,
                              int slot, Executor onContext) {
        final software.amazon.awssdk.services.sesv2.model.SendEmailRequest request;
        try {
            request = composer.compose(message, template, token);
        } catch (MessageComposer.RenderingException e) {
            count("failed");
            return ledger.failed(message, "rendering failed: " + e.getMessage());
        }
        // The slot is waited for right before the call, so no database round trip sits between them to bunch calls up.
        return ledger.startAttempt(message)
                .chain(started -> !started ? Uni.createFrom().voidItem()
                        : slots.await(slot)
                                // Nothing reached SES: hand the message back instead of leaving it for review.
                                .onFailure().call(failure -> ledger.retryLater(message, Duration.ZERO, false, "not started: " + failure.getMessage()))
                                .chain(() -> mailer.send(request)).emitOn(onContext).chain(outcome -> record(message, outcome)));
    }

    private Uni<Void> record(ClaimedMessage message, SendOutcome outcome) {
        if (outcome instanceof SendOutcome.Sent sent) {
            count("sent");
            return ledger.sent(message, sent.sesMessageId());
        }
        if (outcome instanceof SendOutcome.Throttled throttled) {
            count("throttled");
            Duration pause = config.sending().initialRetryBackoff();
            return limiter.pause(pause).chain(() -> ledger.retryLater(message, pause, false, "throttled: " + throttled.detail()));
        }
        if (outcome instanceof SendOutcome.Transient failure) {
            int attempts = message.attemptCount() + 1;
            if (attempts >= config.sending().maxAttempts()) {
                count("failed");
                return ledger.failed(message, "gave up after " + attempts + " attempts: " + failure.detail());
            }
            count("retried");
            return ledger.retryLater(message, Backoff.after(attempts, config.sending().initialRetryBackoff(), config.sending().maxRetryBackoff()),
                    true, "attempt " + attempts + " failed: " + failure.detail());
        }
        if (outcome instanceof SendOutcome.Permanent failure) {
            count("failed");
            return ledger.failed(message, failure.detail());
        }
        SendOutcome.Unknown unknown = (SendOutcome.Unknown) outcome;
        count("unknown");
        Log.warnf("Send to %s of campaign %s has an unknown outcome and is left for review: %s",
                Emails.mask(message.email()), message.campaignId(), unknown.detail());
        return ledger.outcomeUnknown(message, unknown.detail());
    }

    private void count(String outcome) {
        registry.counter("mailpulse.send", "outcome", outcome).increment();
    }
}
