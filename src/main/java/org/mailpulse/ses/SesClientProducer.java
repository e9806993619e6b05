package org.mailpulse.ses;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import org.eclipse.microprofile.config.Config;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sesv2.SesV2AsyncClient;
import software.amazon.awssdk.services.sesv2.SesV2AsyncClientBuilder;

import java.net.URI;
import java.time.Duration;

/**
 * The SES v2 client (the Quarkus extension provides v1 only; v2 is needed for custom headers such as
 * List-Unsubscribe). It reads the same {@code quarkus.ses.*} keys as the extension, so SES is configured once.
 * The SDK's own retries are off: MailPulse decides what a throttle or an error means for the message.
 */
@ApplicationScoped
public class SesClientProducer {

    @Produces
    @ApplicationScoped
    SesV2AsyncClient sesV2(Config config) {
        SesV2AsyncClientBuilder builder = SesV2AsyncClient.builder()
                .httpClientBuilder(NettyNioAsyncHttpClient.builder().connectionTimeout(Duration.ofSeconds(5)))
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()).apiCallTimeout(Duration.ofSeconds(30)))
                .credentialsProvider(credentials(config));
        config.getOptionalValue("quarkus.ses.aws.region", String.class).map(Region::of).ifPresent(builder::region);
        config.getOptionalValue("quarkus.ses.endpoint-override", URI.class).ifPresent(builder::endpointOverride);
        return builder.build();
    }

    void close(@Disposes SesV2AsyncClient client) {
        client.close();
    }

    private static AwsCredentialsProvider credentials(Config config) {
        if ("static".equalsIgnoreCase(config.getOptionalValue("quarkus.ses.aws.credentials.type", String.class).orElse(""))) {
            return StaticCredentialsProvider.create(AwsBasicCredentials.create(
                    config.getValue("quarkus.ses.aws.credentials.static-provider.access-key-id", String.class),
                    config.getValue("quarkus.ses.aws.credentials.static-provider.secret-access-key", String.class)));
        }
        return DefaultCredentialsProvider.builder().build();
    }
}
