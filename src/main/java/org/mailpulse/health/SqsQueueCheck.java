package org.mailpulse.health;

import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.health.api.HealthGroup;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.mailpulse.config.MailPulseConfig;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import java.time.Duration;

/** In the ingestion group: the input queue answers; reports its approximate depth, which is what KEDA scales on too. */
@HealthGroup(IngestBackoffCheck.GROUP)
@ApplicationScoped
public class SqsQueueCheck implements AsyncHealthCheck {

    private static final Duration TIMEOUT = Duration.ofSeconds(3);

    private final SqsAsyncClient sqs;
    private final MailPulseConfig config;

    public SqsQueueCheck(SqsAsyncClient sqs, MailPulseConfig config) {
        this.sqs = sqs;
        this.config = config;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        if (config.ingest().queueUrl().isEmpty() || !config.ingest().enabled()) {
            return Uni.createFrom().item(HealthCheckResponse.named("SQS input queue").up().withData("ingestion", "disabled").build());
        }
        String queueUrl = config.ingest().queueUrl().get();
        return Uni.createFrom().completionStage(() -> sqs.getQueueAttributes(b -> b.queueUrl(queueUrl)
                        .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)))
                .ifNoItem().after(TIMEOUT).fail()
                .map(response -> HealthCheckResponse.named("SQS input queue").up()
                        .withData("messages", response.attributes().getOrDefault(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, "?"))
                        .withData("inFlight", response.attributes().getOrDefault(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE, "?"))
                        .build())
                .onFailure().recoverWithItem(failure -> HealthCheckResponse.named("SQS input queue").down()
                        .withData("error", failure.getClass().getSimpleName()).build());
    }
}
