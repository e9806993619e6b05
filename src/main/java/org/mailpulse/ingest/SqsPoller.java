package org.mailpulse.ingest;

import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import org.mailpulse.common.Backoff;
import org.mailpulse.config.MailPulseConfig;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * One long-polling consumer: receive up to ten messages, process them, batch-delete them. It holds at most one
 * batch in flight, so N pollers bound the work in progress to 10·N messages. Every AWS future is taken in
 * supplier form and continued on this poller's Vert.x context before anything touches PostgreSQL.
 */
final class SqsPoller {

    private final int number;
    private final SqsAsyncClient sqs;
    private final BatchProcessor processor;
    private final MailPulseConfig.Ingest config;
    private final String queueUrl;
    private final Executor context;

    SqsPoller(int number, SqsAsyncClient sqs, BatchProcessor processor, MailPulseConfig.Ingest config, String queueUrl, Executor context) {
        this.number = number;
        this.sqs = sqs;
        this.processor = processor;
        this.config = config;
        this.queueUrl = queueUrl;
        this.context = context;
    }

    /** One receive-process-delete cycle; emits the number of messages handled. */
    Uni<Integer> pollOnce() {
        ReceiveMessageRequest request = ReceiveMessageRequest.builder()
                .queueUrl(queueUrl)
                .maxNumberOfMessages(config.maxMessages())
                .waitTimeSeconds(config.waitTimeSeconds())
                .visibilityTimeout(config.visibilityTimeoutSeconds())
                .messageSystemAttributeNames(MessageSystemAttributeName.SENT_TIMESTAMP, MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT)
                .build();
        return Uni.createFrom().completionStage(() -> sqs.receiveMessage(request))
                .emitOn(context)
                .chain(response -> {
                    List<Message> messages = response.messages();
                    if (messages.isEmpty()) {
                        return Uni.createFrom().item(0);
                    }
                    return processor.process(messages, context)
                            .onFailure().call(failure -> releaseForRetry(messages, failure))
                            .chain(this::delete)
                            .replaceWith(messages.size());
                });
    }

    private Uni<Void> delete(List<Message> messages) {
        List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            entries.add(DeleteMessageBatchRequestEntry.builder().id(String.valueOf(i)).receiptHandle(messages.get(i).receiptHandle()).build());
        }
        return Uni.createFrom().completionStage(() -> sqs.deleteMessageBatch(b -> b.queueUrl(queueUrl).entries(entries)))
                .emitOn(context)
                .invoke(response -> {
                    if (response.hasFailed() && !response.failed().isEmpty()) {
                        // Their effects are committed; a redelivery is recognised as a duplicate.
                        Log.warnf("Poller %d: %d of %d deletes failed (%s); they will come back as duplicates",
                                number, response.failed().size(), messages.size(), response.failed().get(0).message());
                    }
                })
                .replaceWithVoid();
    }

    /**
     * After a failure the messages are not deleted. Making them visible again after the first back-off (instead of
     * the whole visibility timeout) lets the retry find them; if this call fails too, the timeout does the same.
     */
    private Uni<Void> releaseForRetry(List<Message> messages, Throwable failure) {
        int seconds = (int) Math.max(1, Math.min(config.visibilityTimeoutSeconds(), backoff(config, 1).toSeconds()));
        List<ChangeMessageVisibilityBatchRequestEntry> entries = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            entries.add(ChangeMessageVisibilityBatchRequestEntry.builder().id(String.valueOf(i))
                    .receiptHandle(messages.get(i).receiptHandle()).visibilityTimeout(seconds).build());
        }
        return Uni.createFrom().completionStage(() -> sqs.changeMessageVisibilityBatch(b -> b.queueUrl(queueUrl).entries(entries)))
                .emitOn(context)
                .replaceWithVoid()
                .onFailure().recoverWithNull()
                .invoke(() -> Log.debugf("Poller %d released %d messages for retry after: %s", number, messages.size(), failure.getMessage()));
    }

    int number() {
        return number;
    }

    /** How long the pollers wait after {@code consecutiveFailures} failed cycles. */
    static Duration backoff(MailPulseConfig.Ingest config, int consecutiveFailures) {
        return Backoff.after(consecutiveFailures, config.initialBackoff(), config.maxBackoff());
    }
}
