package org.mailpulse.webhook.service;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.mailpulse.common.InvalidFieldsException;
import org.mailpulse.common.Problem;
import org.mailpulse.webhook.WebhookConfig;
import org.mailpulse.webhook.WebhookEventType;
import org.mailpulse.webhook.delivery.TargetGuard;
import org.mailpulse.webhook.delivery.WebhookSigner;
import org.mailpulse.webhook.repository.WebhookDeliveryRepository;
import org.mailpulse.webhook.repository.WebhookEndpointRepository;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.UUID;

/** Endpoints and their deliveries; a null item means "no such endpoint" (404 at the resource). */
@ApplicationScoped
public class WebhookService {

    private static final Duration MAX_OVERLAP = Duration.ofDays(30);

    private final WebhookEndpointRepository endpoints;
    private final WebhookDeliveryRepository deliveries;
    private final TargetGuard guard;
    private final WebhookConfig config;

    public WebhookService(WebhookEndpointRepository endpoints, WebhookDeliveryRepository deliveries, TargetGuard guard, WebhookConfig config) {
        this.endpoints = endpoints;
        this.deliveries = deliveries;
        this.guard = guard;
        this.config = config;
    }

    public Uni<EndpointView> create(WebhookRequests.Create request) {
        List<String> types = eventTypes(request.eventTypes());
        return checked(request.url())
                .chain(() -> endpoints.insert(UUID.randomUUID(), request.url(), request.description(), types, request.campaignId(), WebhookSigner.newSecret()))
                .map(EndpointView::withSecret);
    }

    public Uni<List<EndpointView>> list() {
        return endpoints.list().map(all -> all.stream().map(EndpointView::of).toList());
    }

    public Uni<EndpointView> find(UUID id) {
        return endpoints.find(id).onItem().ifNotNull().transform(EndpointView::of);
    }

    public Uni<EndpointView> update(UUID id, WebhookRequests.Patch patch) {
        List<String> types = patch.eventTypes() == null ? null : eventTypes(patch.eventTypes());
        Uni<Void> check = patch.url() == null ? Uni.createFrom().voidItem() : checked(patch.url());
        return check.chain(() -> endpoints.update(id, patch.url(), patch.description(), types, patch.campaignId()))
                .onItem().ifNotNull().transform(EndpointView::of);
    }

    public Uni<EndpointView> enable(UUID id) {
        return endpoints.setEnabled(id, true, null).onItem().ifNotNull().transform(EndpointView::of);
    }

    public Uni<EndpointView> disable(UUID id, String reason) {
        return endpoints.setEnabled(id, false, reason == null || reason.isBlank() ? "disabled by request" : reason)
                .onItem().ifNotNull().transform(EndpointView::of);
    }

    public Uni<Boolean> delete(UUID id) {
        return endpoints.delete(id);
    }

    /** A new secret, shown in the answer; the previous one keeps signing for the overlap. */
    public Uni<EndpointView> rotate(UUID id, Duration overlap) {
        Duration kept = overlap == null ? config.rotationOverlap() : overlap;
        if (kept.isNegative() || kept.compareTo(MAX_OVERLAP) > 0) {
            throw new InvalidWebhookException(List.of(new Problem.FieldError("overlap", "must be between PT0S and P30D")));
        }
        return endpoints.rotate(id, WebhookSigner.newSecret(), kept).onItem().ifNotNull().transform(EndpointView::withSecret);
    }

    /** The endpoint's latest deliveries, newest first; null when there is no such endpoint. */
    public Uni<List<DeliveryView>> deliveries(UUID id, String status, int limit) {
        return endpoints.find(id).onItem().ifNotNull().transformToUni(endpoint -> deliveries.recent(id, status, limit)
                .map(rows -> rows.stream().map(DeliveryView::of).toList()));
    }

    public Uni<Boolean> replay(UUID id, UUID deliveryId) {
        return deliveries.replay(id, deliveryId);
    }

    /** Emits the number of deliveries sent again; null when there is no such endpoint. */
    public Uni<Integer> replaySince(UUID id, Instant since) {
        return endpoints.find(id).onItem().ifNotNull().transformToUni(endpoint -> deliveries.replaySince(id, since));
    }

    private Uni<Void> checked(String url) {
        return Uni.createFrom().deferred(() -> guard.check(url))
                .onFailure(TargetGuard.RefusedTarget.class)
                .transform(e -> new InvalidWebhookException(List.of(new Problem.FieldError("url", e.getMessage()))))
                .replaceWithVoid();
    }

    private static List<String> eventTypes(List<String> requested) {
        List<Problem.FieldError> errors = new ArrayList<>();
        for (int i = 0; i < requested.size(); i++) {
            if (WebhookEventType.fromCode(requested.get(i)).isEmpty()) {
                errors.add(new Problem.FieldError("eventTypes[" + i + "]", "unknown event type " + requested.get(i)));
            }
        }
        if (!errors.isEmpty()) {
            throw new InvalidWebhookException(errors);
        }
        return List.copyOf(new LinkedHashSet<>(requested));
    }

    public static final class InvalidWebhookException extends InvalidFieldsException {

        private final List<Problem.FieldError> errors;

        InvalidWebhookException(List<Problem.FieldError> errors) {
            super(errors.stream().map(e -> e.field() + ": " + e.message()).reduce((a, b) -> a + "; " + b).orElse("invalid"));
            this.errors = errors;
        }

        @Override
        public List<Problem.FieldError> fieldErrors() {
            return errors;
        }
    }
}
