package org.mailpulse.campaign.sending;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import org.mailpulse.campaign.repository.ClaimedMessage;
import org.mailpulse.campaign.repository.SendLedger;
import org.mailpulse.campaign.repository.TemplateContent;
import org.mailpulse.common.Backoff;
import org.mailpulse.common.Emails;
import org.mailpulse.config.MailPulseConfig;
import org.mailpulse.ses.SendOutcome;
import org.mailpulse.ses.SendRateLimiter;
import org.mailpulse.ses.SesMailer;
import org.mailpulse.ses.quota.QuotaGuard;
import org.mailpulse.unsubscribe.service.UnsubscribeTokens;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sends the due messages of sending campaigns. Each round claims at most one second's worth of messages
 * (so a crash strands few claims), reserves as many send slots from the schedule all replicas share (the 24-hour
 * quota may grant fewer: the rest go back to READY_TO_SEND and the campaigns pause), sends each message in its slot
 * and records each outcome. The next claim starts shortly before the last slot of the one before comes, so the
 * schedule never runs dry between claims; it repeats while there is work. Starting campaigns and closing finished
 * ones happen beside it ({@link #upkeep()}), so nothing stops the claims while messages wait. Any number
 * of replicas can run it side by side. SES refusing for the account (daily quota, paused sending) never fails a
 * message: it goes back to READY_TO_SEND and {@link QuotaGuard} pauses the campaigns.
 * <p>
 * On shutdown it drains: it claims nothing more, hands the claimed messages whose SES call has not started back to
 * READY_TO_SEND at once (one statement), and waits for the calls already started to finish and record their outcome.
 */
@ApplicationScoped
public class CampaignSender {

    /** How long a shutdown waits for started SES calls to record their outcome (within Kubernetes' 30 s grace period). */
    static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(20);
    /** The next claim starts this long before the last slot of the one before (a claim takes a few round trips). */
    static final Duration CLAIM_AHEAD = Duration.ofMillis(250);

    private final SendLedger ledger;
    private final MessageComposer composer;
    private final SesMailer mailer;
    private final SendRateLimiter limiter;
    private final QuotaGuard quota;
    private final MailPulseConfig config;
    private final MeterRegistry registry;
    private final Vertx vertx;
    private final AtomicLong stuck;
    /** Claimed by this sender, SES call not started; whoever removes a message (its call or the drain) owns it. */
    private final Set<ClaimedMessage> unstarted = ConcurrentHashMap.newKeySet();
    private final AtomicInteger claiming = new AtomicInteger();
    private final AtomicInteger calling = new AtomicInteger();
    private volatile boolean draining;

    public CampaignSender(SendLedger ledger, MessageComposer composer, SesMailer mailer, SendRateLimiter limiter, QuotaGuard quota,
                          MailPulseConfig config, MeterRegistry registry, Vertx vertx) {
        this.ledger = ledger;
        this.composer = composer;
        this.mailer = mailer;
        this.limiter = limiter;
        this.quota = quota;
        this.config = config;
        this.registry = registry;
        this.vertx = vertx;
        this.stuck = registry.gauge("mailpulse.send.stuck", new AtomicLong());
    }

    /**
     * Claims and sends while there is work; the next tick after it runs out starts again. It never stops for upkeep
     * while messages wait: a pause between claims would leave the shared schedule's slots unused.
     */
    @Scheduled(every = "${mailpulse.sending.poll-interval:1s}", delayed = "2s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    public Uni<Void> round() {
        if (!config.sending().enabled() || draining) {
            return Uni.createFrom().voidItem();
        }
        Context context = VertxContext.getOrCreateDuplicatedContext(vertx);
        Executor onContext = command -> context.runOnContext(ignored -> command.run());
        return Multi.createBy().repeating().uni(() -> sendClaim(onContext)).whilst(sent -> sent > 0)
                .collect().last()
                .replaceWithVoid()
                .onFailure().recoverWithUni(failure -> {
                    Log.warnf("Send round failed, retried next round: %s", failure.getMessage());
                    return Uni.createFrom().voidItem();
                });
    }

    /**
     * Beside the rounds, never between their claims: starts due campaigns, releases their scheduled messages,
     * recovers unstarted claims of dead senders, closes finished campaigns and counts stuck messages.
     */
    @Scheduled(every = "${mailpulse.sending.poll-interval:1s}", delayed = "2s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    public Uni<Void> upkeep() {
        if (!config.sending().enabled() || draining) {
            return Uni.createFrom().voidItem();
        }
        return ledger.prepare()
                .chain(ledger::completeCampaigns)
                .chain(ledger::stuckCount)
                .invoke(stuck::set)
                .replaceWithVoid()
                .onFailure().recoverWithUni(failure -> {
                    Log.warnf("Send upkeep failed, retried next time: %s", failure.getMessage());
                    return Uni.createFrom().voidItem();
                });
    }

    /**
     * Claims one slice and starts sending it; emits how many messages it sends once their last slot is near (or
     * they are all done), while the calls go on.
     */
    private Uni<Integer> sendClaim(Executor onContext) {
        claiming.incrementAndGet();
        if (draining) {
            claiming.decrementAndGet();
            return Uni.createFrom().item(0);
        }
        int rate = limiter.rate();
        int limit = Math.max(1, Math.min(config.sending().batchSize(), rate));
        return ledger.claim(limit).invoke(claim -> unstarted.addAll(claim.messages())).eventually(claiming::decrementAndGet).chain(claim -> {
            List<ClaimedMessage> messages = claim.messages();
            if (messages.isEmpty()) {
                return Uni.createFrom().item(0);
            }
            List<String> tokens = new ArrayList<>();
            List<byte[]> hashes = new ArrayList<>();
            for (int i = 0; i < messages.size(); i++) {
                String token = UnsubscribeTokens.newToken();
                tokens.add(token);
                hashes.add(UnsubscribeTokens.hash(token));
            }
            Set<ClaimedMessage> started = ConcurrentHashMap.newKeySet();
            return ledger.issueTokens(messages, hashes)
                    .chain(() -> ledger.startAttempts(messages)).invoke(started::addAll)
                    .chain(() -> limiter.reserve(messages.size()))
                    .call(slots -> slots.granted() == messages.size() ? Uni.createFrom().voidItem()
                            : handBack(messages.subList(slots.granted(), messages.size())).chain(quota::quotaUsedUp))
                    .chain(slots -> {
                        if (slots.granted() == 0) {
                            return Uni.createFrom().item(0);
                        }
                        Uni<Void> sends = Multi.createFrom().range(0, slots.granted())
                                // One message's failure (its outcome could not be recorded) must not cancel the others' sends.
                                .onItem().transformToUni(i -> sendOne(messages.get(i), claim.templates().get(messages.get(i).templateId()),
                                        tokens.get(i), started.contains(messages.get(i)), slots, i, onContext)
                                        .onFailure().invoke(failure -> Log.warnf("Send to %s of campaign %s not recorded: %s",
                                                Emails.mask(messages.get(i).email()), messages.get(i).campaignId(), failure.getMessage()))
                                        .onFailure().recoverWithNull())
                                .merge(Math.max(1, rate))
                                .collect().last().replaceWithVoid();
                        return whenNearLastSlot(sends, slots).replaceWith(slots.granted());
                    });
        });
    }

    /** Runs {@code sends} and completes when they are done or the last slot is within {@link #CLAIM_AHEAD}, whichever is first. */
    private Uni<Void> whenNearLastSlot(Uni<Void> sends, SendRateLimiter.Slots slots) {
        return Uni.createFrom().emitter(emitter -> {
            sends.subscribe().with(done -> emitter.complete(null), failure -> {
                Log.warnf("Sending a claim failed: %s", failure.getMessage());
                emitter.complete(null);
            });
            long aheadMillis = (slots.lastDueNanos() - System.nanoTime() - CLAIM_AHEAD.toNanos()) / 1_000_000;
            if (aheadMillis <= 0) {
                emitter.complete(null);
            } else {
                vertx.setTimer(aheadMillis, id -> emitter.complete(null));
            }
        });
    }

    /** Claimed messages that got no send slot: back to READY_TO_SEND at once (unless a shutdown took them first). */
    private Uni<Void> handBack(List<ClaimedMessage> messages) {
        List<ClaimedMessage> owned = messages.stream().filter(unstarted::remove).toList();
        return owned.isEmpty() ? Uni.createFrom().voidItem() : ledger.release(owned).replaceWithVoid();
    }

    private Uni<Void> sendOne(ClaimedMessage message, TemplateContent template, String token, boolean started,
                              SendRateLimiter.Slots slots, int slot, Executor onContext) {
        if (!started) {
            unstarted.remove(message);
            return Uni.createFrom().voidItem();
        }
        // The slot is waited for right before the call, so no database round trip sits between them to bunch calls up.
        return slots.await(slot).replaceWith(true)
                // Nothing reached SES: hand the message back instead of leaving it for review.
                .onFailure().recoverWithUni(failure -> (!unstarted.remove(message) ? Uni.createFrom().voidItem()
                        : Uni.createFrom().voidItem().emitOn(onContext)
                                .chain(() -> ledger.retryLater(message, Duration.ZERO, false, "not started: " + failure.getMessage()))).replaceWith(false))
                .chain(inSlot -> inSlot ? composeAndCall(message, template, token, onContext) : Uni.createFrom().voidItem());
    }

    /**
     * Runs on the SES client's event loop, in the message's slot: composed there, not when the claim arrives
     * (composing a whole claim at once held the loop long enough that the calls before reached SES in a burst after
     * a silence), and called from there. Database work goes back to the round's context.
     */
    private Uni<Void> composeAndCall(ClaimedMessage message, TemplateContent template, String token, Executor onContext) {
        final software.amazon.awssdk.services.sesv2.model.SendEmailRequest request;
        try {
            request = composer.compose(message, template, token);
        } catch (MessageComposer.RenderingException e) {
            if (!unstarted.remove(message)) {
                return Uni.createFrom().voidItem();
            }
            count("failed");
            return Uni.createFrom().voidItem().emitOn(onContext).chain(() -> ledger.failed(message, "rendering failed: " + e.getMessage()));
        }
        return call(message, request, onContext);
    }

    /** The SES call and its outcome, unless a shutdown has handed the message back meanwhile. */
    private Uni<Void> call(ClaimedMessage message, software.amazon.awssdk.services.sesv2.model.SendEmailRequest request, Executor onContext) {
        calling.incrementAndGet();
        if (!unstarted.remove(message)) {
            calling.decrementAndGet();
            return Uni.createFrom().voidItem();
        }
        return mailer.send(request).emitOn(onContext).chain(outcome -> record(message, outcome)).eventually(calling::decrementAndGet);
    }

    /** First of the shutdown observers, so that no claim starts while others stop. */
    void drain(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) ShutdownEvent event) throws InterruptedException {
        draining = true;
        long deadline = System.nanoTime() + DRAIN_TIMEOUT.toNanos();
        awaitZero(claiming, deadline);
        List<ClaimedMessage> released = new ArrayList<>();
        for (ClaimedMessage message : List.copyOf(unstarted)) {
            if (unstarted.remove(message)) {
                released.add(message);
            }
        }
        int handedBack = 0;
        if (!released.isEmpty()) {
            try {
                handedBack = ledger.release(released).await().atMost(DRAIN_TIMEOUT);
            } catch (RuntimeException e) {
                Log.warnf("Could not hand %d unstarted messages back: %s", released.size(), e.getMessage());
            }
        }
        awaitZero(calling, deadline);
        Log.infof("Sender drained: %d claimed messages handed back to READY_TO_SEND, %d SES calls still open", handedBack, calling.get());
    }

    private static void awaitZero(AtomicInteger counter, long deadlineNanos) throws InterruptedException {
        while (counter.get() > 0 && System.nanoTime() < deadlineNanos) {
            Thread.sleep(10);
        }
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
        if (outcome instanceof SendOutcome.AccountRefused refused) {
            count("refused");
            // The campaigns pause first, so that no claim takes the message again before the account may send.
            return quota.refused(refused.refusal(), refused.detail())
                    .chain(() -> ledger.retryLater(message, Duration.ZERO, false, "SES refused for the account: " + refused.detail()));
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
