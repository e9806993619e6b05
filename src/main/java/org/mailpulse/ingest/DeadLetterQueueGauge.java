package org.mailpulse.ingest;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.logging.Log;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.mailpulse.config.MailPulseConfig;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

import java.util.Optional;

/**
 * The depth of the input queue's dead-letter queue, the one sign of input that failed every delivery, as the gauge
 * {@code mailpulse_ingest_dead_letter_messages} (SQS's ApproximateNumberOfMessages), so it can be alerted on without
 * CloudWatch. Exported only when {@code mailpulse.ingest.dead-letter-queue-url} is set; NaN until the first read
 * answers. A failed read is logged and counted ({@code mailpulse_ingest_dead_letter_read_failures_total}) and the
 * gauge keeps its last value.
 */
@Startup
@ApplicationScoped
public class DeadLetterQueueGauge {

    private final SqsAsyncClient sqs;
    private final Optional<String> queueUrl;
    private final Counter failures;
    private volatile double depth = Double.NaN;

    public DeadLetterQueueGauge(SqsAsyncClient sqs, MeterRegistry registry, MailPulseConfig config) {
        this.sqs = sqs;
        this.queueUrl = config.ingest().deadLetterQueueUrl().filter(url -> !url.isBlank());
        this.failures = Counter.builder("mailpulse.ingest.dead.letter.read.failures")
                .description("Reads of the dead-letter queue's depth that failed").register(registry);
        if (queueUrl.isPresent()) {
            Gauge.builder("mailpulse.ingest.dead.letter.messages", this, DeadLetterQueueGauge::depth)
                    .description("Messages on the input queue's dead-letter queue (ApproximateNumberOfMessages)").register(registry);
        }
    }

    @Scheduled(every = "${mailpulse.ingest.dead-letter-check-every:30s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> read() {
        if (queueUrl.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return Uni.createFrom().completionStage(() -> sqs.getQueueAttributes(b -> b.queueUrl(queueUrl.get())
                        .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES)))
                .invoke(answer -> depth = Double.parseDouble(answer.attributes().get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES)))
                .onFailure().invoke(e -> {
                    failures.increment();
                    Log.warnf("Could not read the depth of the dead-letter queue %s: %s", queueUrl.get(), e.toString());
                })
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }

    double depth() {
        return depth;
    }
}
