package org.mailpulse.ingest;

import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
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
 * The three SQS calls of ingestion: receive a batch, delete a committed batch, hand a failed batch back. Every AWS
 * future is taken in supplier form and continued on the caller's Vert.x context.
 */
final class IngestQueue {

    private final SqsAsyncClient sqs;
    private final MailPulseConfig.Ingest config;
    private final String queueUrl;

    IngestQueue(SqsAsyncClient sqs, MailPulseConfig.Ingest config, String queueUrl) {
        this.sqs = sqs;
        this.config = config;
        this.queueUrl = queueUrl;
    }

    /** One long poll of up to max-messages; an empty list when the wait ended without any. */
    Uni<List<Message>> receive(Executor context) {
        ReceiveMessageRequest request = ReceiveMessageRequest.builder()
                .queueUrl(queueUrl)
                .maxNumberOfMessages(config.maxMessages())
                .waitTimeSeconds(config.waitTimeSeconds())
                .visibilityTimeout(config.visibilityTimeoutSeconds())
                .messageSystemAttributeNames(MessageSystemAttributeName.SENT_TIMESTAMP, MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT)
                .build();
        return Uni.createFrom().completionStage(() -> sqs.receiveMessage(request))
                .emitOn(context)
                .map(response -> response.messages());
    }

    /**
     * Deletes messages whose effects are committed. A failure (of the call or of some entries) is only logged: the
     * messages come back after their visibility timeout and are recognised as duplicates.
     */
    Uni<Void> delete(List<Message> messages, Executor context) {
        List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            entries.add(DeleteMessageBatchRequestEntry.builder().id(String.valueOf(i)).receiptHandle(messages.get(i).receiptHandle()).build());
        }
        return Uni.createFrom().completionStage(() -> sqs.deleteMessageBatch(b -> b.queueUrl(queueUrl).entries(entries)))
                .emitOn(context)
                .invoke(response -> {
                    if (response.hasFailed() && !response.failed().isEmpty()) {
                        Log.warnf("%d of %d deletes failed (%s); they will come back as duplicates",
                                response.failed().size(), messages.size(), response.failed().get(0).message());
                    }
                })
                .replaceWithVoid()
                .onFailure().recoverWithUni(failure -> {
                    Log.warnf("Deleting %d committed messages failed (%s); they will come back as duplicates", messages.size(), failure.getMessage());
                    return Uni.createFrom().voidItem();
                });
    }

    /**
     * After a failure the messages are not deleted. Making them visible again after {@code after} (instead of the
     * whole visibility timeout) lets the retry find them; if this call fails too, the timeout does the same.
     */
    Uni<Void> release(List<Message> messages, Duration after, Executor context) {
        int seconds = (int) Math.max(1, Math.min(config.visibilityTimeoutSeconds(), after.toSeconds()));
        List<ChangeMessageVisibilityBatchRequestEntry> entries = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            entries.add(ChangeMessageVisibilityBatchRequestEntry.builder().id(String.valueOf(i))
                    .receiptHandle(messages.get(i).receiptHandle()).visibilityTimeout(seconds).build());
        }
        return Uni.createFrom().completionStage(() -> sqs.changeMessageVisibilityBatch(b -> b.queueUrl(queueUrl).entries(entries)))
                .emitOn(context)
                .replaceWithVoid()
                .onFailure().recoverWithNull();
    }
}
