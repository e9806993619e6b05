package org.mailpulse.ingest.sns;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.mailpulse.ingest.quarantine.QuarantineWriter;
import software.amazon.awssdk.services.sqs.model.Message;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs before parsing: every body that is an SNS envelope must pass {@link SnsSignatureVerifier}, or it is refused
 * for the quarantine with the reason (and counted), so nothing in it is applied. Bodies that are not envelopes (raw
 * SES records, EventBridge events, anything unreadable) pass unchanged to the parser: they carry no signature, and the
 * queue policy is what protects them. A signing certificate that cannot be fetched fails the whole batch (an outage).
 */
@Startup
@ApplicationScoped
public class SnsEnvelopeGate {

    /** The messages to parse, the refused ones to quarantine instead, and why each was refused. */
    public record Screened(List<Message> passed, List<QuarantineWriter.Entry> refused, List<SnsRefusal> reasons) {
    }

    private record Verdict(QuarantineWriter.Entry entry, SnsRefusal refusal) {
    }

    private final boolean enabled;
    private final SnsSignatureVerifier verifier;
    private final ObjectReader json;
    private final Map<SnsRefusal, Counter> failures = new EnumMap<>(SnsRefusal.class);

    public SnsEnvelopeGate(SnsConfig config, SnsSignatureVerifier verifier, ObjectMapper mapper, MeterRegistry registry) {
        this.enabled = config.verifySignatures();
        this.verifier = verifier;
        this.json = mapper.reader().with(StreamReadFeature.STRICT_DUPLICATE_DETECTION);
        for (SnsRefusal refusal : SnsRefusal.values()) {
            failures.put(refusal, Counter.builder("mailpulse.ingest.sns.verification.failures").tag("reason", refusal.label())
                    .description("SNS envelopes quarantined because their signature, certificate or topic was refused").register(registry));
        }
        if (!enabled) {
            Log.warn("SNS envelopes are not verified (mailpulse.ingest.sns.verify-signatures=false)");
        }
    }

    public Uni<Screened> screen(List<Message> messages) {
        if (!enabled) {
            return Uni.createFrom().item(new Screened(messages, List.of(), List.of()));
        }
        List<Uni<Optional<Verdict>>> checks = new ArrayList<>(messages.size());
        for (Message message : messages) {
            checks.add(check(message));
        }
        if (checks.isEmpty()) {
            return Uni.createFrom().item(new Screened(messages, List.of(), List.of()));
        }
        return Uni.join().all(checks).andFailFast().map(verdicts -> {
            List<Message> passed = new ArrayList<>(messages.size());
            List<QuarantineWriter.Entry> refused = new ArrayList<>();
            List<SnsRefusal> reasons = new ArrayList<>();
            for (int i = 0; i < messages.size(); i++) {
                Message message = messages.get(i);
                verdicts.get(i).ifPresentOrElse(verdict -> {
                    refused.add(verdict.entry());
                    reasons.add(verdict.refusal());
                }, () -> passed.add(message));
            }
            return new Screened(passed, refused, reasons);
        });
    }

    /** Counts the refusals once their quarantine is committed, so a batch retried after an outage counts them once. */
    public void committed(Screened screened) {
        screened.reasons().forEach(reason -> failures.get(reason).increment());
    }

    private Uni<Optional<Verdict>> check(Message message) {
        Optional<JsonNode> envelope = envelope(message.body());
        if (envelope.isEmpty()) {
            return Uni.createFrom().item(Optional.empty());
        }
        return verifier.verify(envelope.get()).map(ok -> Optional.<Verdict>empty())
                .onFailure(SnsRefusedException.class).recoverWithItem(failure -> {
                    SnsRefusal refusal = ((SnsRefusedException) failure).refusal();
                    String reason = "SNS envelope refused (" + refusal.label() + "): " + failure.getMessage();
                    Log.warnf("SQS message %s quarantined: %s", message.messageId(), reason);
                    return Optional.of(new Verdict(new QuarantineWriter.Entry(message.messageId(), reason, message.body()), refusal));
                });
    }

    /** The body as an SNS envelope of a signed type, or empty for anything the parser alone decides on. */
    private Optional<JsonNode> envelope(String body) {
        if (body == null || body.isBlank()) {
            return Optional.empty();
        }
        try {
            JsonNode root = json.readTree(body);
            JsonNode type = root == null ? null : root.get("Type");
            return type != null && type.isTextual() && SnsSignatureVerifier.isSigned(type.asText()) ? Optional.of(root) : Optional.empty();
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
    }
}
