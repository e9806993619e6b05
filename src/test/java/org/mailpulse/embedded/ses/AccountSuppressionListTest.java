package org.mailpulse.embedded.ses;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sesv2.SesV2Client;
import software.amazon.awssdk.services.sesv2.model.BadRequestException;
import software.amazon.awssdk.services.sesv2.model.InvalidNextTokenException;
import software.amazon.awssdk.services.sesv2.model.ListSuppressedDestinationsRequest;
import software.amazon.awssdk.services.sesv2.model.ListSuppressedDestinationsResponse;
import software.amazon.awssdk.services.sesv2.model.NotFoundException;
import software.amazon.awssdk.services.sesv2.model.SesV2Exception;
import software.amazon.awssdk.services.sesv2.model.SuppressedDestination;
import software.amazon.awssdk.services.sesv2.model.SuppressedDestinationSummary;
import software.amazon.awssdk.services.sesv2.model.SuppressionListReason;
import software.amazon.awssdk.services.sesv2.model.TooManyRequestsException;

import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The simulator's account suppression list through the real AWS SDK v2 client; no Quarkus. */
class AccountSuppressionListTest {

    private static SesSimulator ses;
    private static SesV2Client client;

    @BeforeAll
    static void start() {
        ses = SesSimulator.start(0, SesSimulator.Options.defaults());
        client = SesV2Client.builder()
                .endpointOverride(URI.create(ses.endpoint()))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClient(UrlConnectionHttpClient.create())
                .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build();
    }

    @AfterAll
    static void stop() {
        client.close();
        ses.close();
    }

    @BeforeEach
    void reset() {
        ses.clear();
    }

    @Test
    void theMailboxSimulatorAddressIsOnTheListFromTheStart() {
        SuppressedDestination entry = client.getSuppressedDestination(r -> r.emailAddress(AccountSuppressionList.DEFAULT_ADDRESS))
                .suppressedDestination();

        assertThat(entry.emailAddress()).isEqualTo(AccountSuppressionList.DEFAULT_ADDRESS);
        assertThat(entry.reason()).isEqualTo(SuppressionListReason.BOUNCE);
        assertThat(entry.lastUpdateTime()).isEqualTo(Instant.parse("2020-01-01T00:00:00Z"));
    }

    @Test
    void putGetAndDeleteAnAddress() {
        Instant before = Instant.now().minusMillis(1);
        client.putSuppressedDestination(r -> r.emailAddress("Someone@Example.com").reason(SuppressionListReason.COMPLAINT));

        SuppressedDestination entry = client.getSuppressedDestination(r -> r.emailAddress("someone@example.com")).suppressedDestination();
        assertThat(entry.reason()).isEqualTo(SuppressionListReason.COMPLAINT);
        assertThat(entry.lastUpdateTime()).isAfter(before).isBeforeOrEqualTo(Instant.now());

        client.putSuppressedDestination(r -> r.emailAddress("someone@example.com").reason(SuppressionListReason.BOUNCE));
        assertThat(ses.suppressionList().entries()).filteredOn(e -> e.emailAddress().equals("someone@example.com"))
                .singleElement().extracting(AccountSuppressionList.Entry::reason).isEqualTo("BOUNCE");

        client.deleteSuppressedDestination(r -> r.emailAddress("someone@example.com"));
        assertThatThrownBy(() -> client.getSuppressedDestination(r -> r.emailAddress("someone@example.com")))
                .isInstanceOf(NotFoundException.class);
        assertThatThrownBy(() -> client.deleteSuppressedDestination(r -> r.emailAddress("someone@example.com")))
                .isInstanceOfSatisfying(NotFoundException.class, e -> assertThat(e.statusCode()).isEqualTo(404));
    }

    @Test
    void aPutWithoutAValidReasonOrAddressIsABadRequest() {
        assertThatThrownBy(() -> client.putSuppressedDestination(r -> r.emailAddress("a@example.com").reason("SPAM")))
                .isInstanceOf(BadRequestException.class);
        assertThatThrownBy(() -> client.putSuppressedDestination(r -> r.emailAddress("nobody").reason(SuppressionListReason.BOUNCE)))
                .isInstanceOf(BadRequestException.class);
    }

    @Test
    void listPagesThroughEveryEntryOnceFilteredByDateAndReason() {
        Instant base = Instant.parse("2026-11-01T00:00:00Z");
        for (int i = 0; i < 25; i++) {
            ses.suppressionList().put("user" + i + "@example.com", i % 5 == 0 ? "COMPLAINT" : "BOUNCE", base.plusSeconds(i * 60L));
        }

        List<SuppressedDestinationSummary> all = listAll(ListSuppressedDestinationsRequest.builder().pageSize(7).build());
        assertThat(all).hasSize(26);
        assertThat(all.get(0).emailAddress()).isEqualTo(AccountSuppressionList.DEFAULT_ADDRESS);
        assertThat(all).extracting(SuppressedDestinationSummary::lastUpdateTime).isSorted();

        List<SuppressedDestinationSummary> window = listAll(ListSuppressedDestinationsRequest.builder().pageSize(3)
                .startDate(base.plusSeconds(600)).endDate(base.plusSeconds(1200)).build());
        assertThat(window).extracting(SuppressedDestinationSummary::emailAddress)
                .containsExactly("user10@example.com", "user11@example.com", "user12@example.com", "user13@example.com",
                        "user14@example.com", "user15@example.com", "user16@example.com", "user17@example.com",
                        "user18@example.com", "user19@example.com", "user20@example.com");

        List<SuppressedDestinationSummary> complaints = listAll(ListSuppressedDestinationsRequest.builder()
                .reasons(SuppressionListReason.COMPLAINT).build());
        assertThat(complaints).extracting(SuppressedDestinationSummary::emailAddress)
                .containsExactly("user0@example.com", "user5@example.com", "user10@example.com", "user15@example.com", "user20@example.com");
        assertThat(complaints).allSatisfy(s -> assertThat(s.reason()).isEqualTo(SuppressionListReason.COMPLAINT));
    }

    @Test
    void anEntryAddedWhilePagingIsSeenOnALaterPageAndNoneTwice() {
        Instant base = Instant.parse("2026-11-01T00:00:00Z");
        for (int i = 0; i < 4; i++) {
            ses.suppressionList().put("early" + i + "@example.com", "BOUNCE", base.plusSeconds(i));
        }
        ListSuppressedDestinationsResponse first = client.listSuppressedDestinations(r -> r.pageSize(3));
        ses.suppressionList().put("late@example.com", "BOUNCE", Instant.now());
        ListSuppressedDestinationsResponse second = client.listSuppressedDestinations(r -> r.pageSize(3).nextToken(first.nextToken()));

        assertThat(second.nextToken()).isNull();
        List<String> seen = new ArrayList<>();
        first.suppressedDestinationSummaries().forEach(s -> seen.add(s.emailAddress()));
        second.suppressedDestinationSummaries().forEach(s -> seen.add(s.emailAddress()));
        assertThat(seen).doesNotHaveDuplicates().hasSize(6).endsWith("late@example.com");
    }

    @Test
    void aBadTokenOrPageSizeIsRefused() {
        assertThatThrownBy(() -> client.listSuppressedDestinations(r -> r.nextToken("garbage")))
                .isInstanceOf(InvalidNextTokenException.class);
        assertThatThrownBy(() -> client.listSuppressedDestinations(r -> r.pageSize(1001)))
                .isInstanceOf(BadRequestException.class);
    }

    @Test
    void armedFaultsFailTheNextSuppressionCallsOnlyAsSesFails() {
        ses.suppressionList().failNext(1, Fault.THROTTLING);
        ses.suppressionList().failNext(1, Fault.TRANSIENT);

        assertThatThrownBy(() -> client.listSuppressedDestinations(r -> r.pageSize(10)))
                .isInstanceOfSatisfying(TooManyRequestsException.class, e -> assertThat(e.statusCode()).isEqualTo(429));
        assertThatThrownBy(() -> client.putSuppressedDestination(r -> r.emailAddress("a@example.com").reason(SuppressionListReason.BOUNCE)))
                .isInstanceOfSatisfying(SesV2Exception.class, e -> assertThat(e.statusCode()).isEqualTo(503));
        assertThat(ses.suppressionList().pendingFaults()).isZero();
        assertThat(ses.pendingFaults()).isZero();

        client.putSuppressedDestination(r -> r.emailAddress("a@example.com").reason(SuppressionListReason.BOUNCE));
        assertThat(client.getSuppressedDestination(r -> r.emailAddress("a@example.com")).suppressedDestination().reason())
                .isEqualTo(SuppressionListReason.BOUNCE);
    }

    private static List<SuppressedDestinationSummary> listAll(ListSuppressedDestinationsRequest request) {
        List<SuppressedDestinationSummary> all = new ArrayList<>();
        String token = null;
        do {
            ListSuppressedDestinationsResponse page = client.listSuppressedDestinations(request.toBuilder().nextToken(token).build());
            assertThat(page.suppressedDestinationSummaries().size()).isLessThanOrEqualTo(request.pageSize() == null ? 1000 : request.pageSize());
            all.addAll(page.suppressedDestinationSummaries());
            token = page.nextToken();
        } while (token != null);
        return all;
    }
}
