package org.mailpulse.ses;

import io.netty.channel.EventLoopGroup;
import io.quarkiverse.amazon.common.runtime.AmazonClientConfig;
import io.quarkiverse.amazon.common.runtime.AmazonClientNettyTransportRecorder;
import io.quarkiverse.amazon.common.runtime.AsyncHttpClientConfig;
import io.quarkiverse.amazon.common.runtime.AwsCredentialsProviderConfig;
import io.quarkiverse.amazon.common.runtime.ClientUtil;
import io.quarkiverse.amazon.ses.runtime.SesConfig;
import io.quarkus.runtime.RuntimeValue;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;
import software.amazon.awssdk.services.sesv2.SesV2AsyncClient;
import software.amazon.awssdk.services.sesv2.SesV2AsyncClientBuilder;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The SES v2 client (the Quarkus extension provides v1 only; v2 is needed for custom headers such as
 * List-Unsubscribe). It is built from the SES extension's own runtime configuration ({@code quarkus.ses.*}) with the
 * extension's own code for credentials and the Netty client, so SES is configured once and every key means what it
 * means for the v1 client: region, endpoint override, API call timeouts, every credentials type (default, which
 * includes web identity, static, profile, env-variable, system-property, container, instance-profile, process,
 * custom, anonymous) and the {@code async-client.*} settings of the Netty client. Its connections live on an event
 * loop of their own ({@link SesEventLoops}) rather than the ones shared with the rest of the replica, unless
 * {@code async-client.event-loop.override} asks for other ones: one client per loop ({@link SesClients}). The SDK's own retries are off:
 * MailPulse decides what a throttle or an error means for the message.
 */
@ApplicationScoped
public class SesClientProducer {

    static final String CONFIG_ROOT = "quarkus.ses";
    static final Duration DEFAULT_API_CALL_TIMEOUT = Duration.ofSeconds(30);

    /** A client for each SES event loop, its connections on that loop. */
    @Produces
    @Singleton
    SesClients clients(SesConfig config, SesEventLoops loops) {
        List<SesV2AsyncClient> clients = new ArrayList<>();
        for (int i = 0; i < loops.size(); i++) {
            int loop = i;
            clients.add(build(config, () -> loops.group(loop)));
        }
        return new SesClients(clients, loops);
    }

    void close(@Disposes SesClients clients) {
        clients.all().forEach(SesV2AsyncClient::close);
    }

    /** The client of every SES call but SendEmail (closed with the others). */
    @Produces
    @ApplicationScoped
    SesV2AsyncClient sesV2(SesClients clients) {
        return clients.first();
    }

    /**
     * The client for the default (unnamed) {@code quarkus.ses} client configuration.
     *
     * @param eventLoops the event loops the Netty client uses unless {@code async-client.event-loop.override} is set
     */
    static SesV2AsyncClient build(SesConfig config, Supplier<EventLoopGroup> eventLoops) {
        AmazonClientConfig client = config.clients().get(ClientUtil.DEFAULT_CLIENT_NAME);
        SesV2AsyncClientBuilder builder = SesV2AsyncClient.builder()
                .httpClientBuilder(httpClient(config.asyncClient(), eventLoops))
                .credentialsProvider(client.aws().credentials().map(SesClientProducer::credentials)
                        .orElseGet(() -> DefaultCredentialsProvider.builder().build()))
                .overrideConfiguration(o -> {
                    o.retryStrategy(AwsRetryStrategy.doNotRetry());
                    o.apiCallTimeout(client.sdk().apiCallTimeout().orElse(DEFAULT_API_CALL_TIMEOUT));
                    client.sdk().apiCallAttemptTimeout().ifPresent(o::apiCallAttemptTimeout);
                });
        client.aws().region().ifPresent(builder::region);
        client.sdk().endpointOverride().ifPresent(builder::endpointOverride);
        return builder.build();
    }

    private static AwsCredentialsProvider credentials(AwsCredentialsProviderConfig credentials) {
        return credentials.type().create(credentials, CONFIG_ROOT);
    }

    private static SdkAsyncHttpClient.Builder<?> httpClient(AsyncHttpClientConfig asyncClient, Supplier<EventLoopGroup> eventLoops) {
        AmazonClientNettyTransportRecorder netty = new AmazonClientNettyTransportRecorder();
        RuntimeValue<AsyncHttpClientConfig> settings = new RuntimeValue<>(asyncClient);
        return netty.configureNettyAsync(netty.configureAsync("ses", settings), eventLoops, settings).getValue();
    }
}
