package org.mailpulse.config;

import org.mailpulse.ingest.sns.SnsConfig;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The settings without which a production instance would start and look healthy but not work: every API call
 * refused or open to a guessable token, List-Unsubscribe links mail clients reject, every send refused by SES, no
 * event ever coming back, nothing ingested. {@link #problems} lists all of them at once, one sentence each, naming
 * the key (never a token's value).
 */
public final class ProductionChecks {

    public static final int MIN_TOKEN_LENGTH = 32;

    /** Domains reserved for documentation and testing (RFC 2606, RFC 6761, RFC 6762), which SES cannot send from. */
    private static final List<String> PLACEHOLDER_DOMAINS = List.of("example.com", "example.org", "example.net", "localhost");
    private static final List<String> PLACEHOLDER_SUFFIXES = List.of(".local", ".test", ".invalid", ".example", ".localhost", ".internal");

    private ProductionChecks() {
    }

    public static List<String> problems(MailPulseConfig config) {
        List<String> problems = new ArrayList<>();
        problems.addAll(tokens(config.api().tokens()));
        unsubscribeBaseUrl(config.unsubscribe().baseUrl()).ifPresent(problems::add);
        fromAddress(config.sending().fromAddress()).ifPresent(problems::add);
        configurationSet(config.sending().enabled(), config.sending().configurationSet()).ifPresent(problems::add);
        queueUrl(config.ingest().enabled(), config.ingest().queueUrl()).ifPresent(problems::add);
        return problems;
    }

    /**
     * SNS verification on without an allow-list would quarantine every envelope; the test-only widenings (another
     * certificate host, another trust store) would let a forger choose the certificate.
     */
    public static List<String> sns(boolean ingestEnabled, SnsConfig sns) {
        List<String> problems = new ArrayList<>();
        boolean noTopics = sns.topicArns().orElse(List.of()).stream().allMatch(String::isBlank);
        if (ingestEnabled && sns.verifySignatures() && noTopics) {
            problems.add("mailpulse.ingest.sns.topic-arns is not set while SNS signatures are verified: every SNS envelope would be "
                    + "quarantined; set MAILPULSE_INGEST_SNS_TOPIC_ARNS to the ARN of the SES event topic (comma separated), or "
                    + "mailpulse.ingest.sns.verify-signatures=false if the subscription uses raw message delivery");
        }
        if (!SnsConfig.DEFAULT_CERTIFICATE_HOST_PATTERN.equals(sns.certificateHostPattern())) {
            problems.add("mailpulse.ingest.sns.certificate-host-pattern is changed: only tests may fetch SNS signing certificates from "
                    + "other hosts than sns.<region>.amazonaws.com(.cn); remove the setting");
        }
        if (sns.certificateTrustPem().filter(p -> !p.isBlank()).isPresent()) {
            problems.add("mailpulse.ingest.sns.certificate-trust-pem is set: only tests may replace the JDK trust store for SNS signing "
                    + "certificates; remove the setting");
        }
        return problems;
    }

    static List<String> tokens(Optional<List<String>> configured) {
        List<String> tokens = configured.orElse(List.of()).stream().filter(t -> !t.isBlank()).toList();
        if (tokens.isEmpty()) {
            return List.of("mailpulse.api.tokens is not set: every /api call would be refused; set MAILPULSE_API_TOKENS to random tokens of "
                    + MIN_TOKEN_LENGTH + " characters or more (comma separated)");
        }
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < tokens.size(); i++) {
            String token = tokens.get(i).strip();
            if (token.length() < MIN_TOKEN_LENGTH) {
                problems.add("mailpulse.api.tokens: token %d of %d has %d characters, fewer than %d".formatted(i + 1, tokens.size(),
                        token.length(), MIN_TOKEN_LENGTH));
            }
        }
        return problems;
    }

    static Optional<String> unsubscribeBaseUrl(String baseUrl) {
        URI uri;
        try {
            uri = new URI(baseUrl.strip());
        } catch (URISyntaxException e) {
            uri = null;
        }
        if (uri != null && "https".equalsIgnoreCase(uri.getScheme()) && uri.getHost() != null) {
            return Optional.empty();
        }
        return Optional.of("mailpulse.unsubscribe.base-url must be the public https:// URL of this service (one-click unsubscribe, RFC 8058, "
                + "needs HTTPS), is '" + baseUrl + "'");
    }

    static Optional<String> fromAddress(String fromAddress) {
        if (fromAddress == null || fromAddress.isBlank()) {
            return Optional.of("mailpulse.sending.from-address is not set: set it to an address of an identity verified in SES");
        }
        String address = fromAddress.strip();
        int open = address.lastIndexOf('<');
        if (open >= 0 && address.endsWith(">")) {
            address = address.substring(open + 1, address.length() - 1).strip();
        }
        int at = address.lastIndexOf('@');
        if (at <= 0 || at == address.length() - 1) {
            return Optional.of("mailpulse.sending.from-address '" + fromAddress + "' is not an email address");
        }
        String domain = address.substring(at + 1).toLowerCase(Locale.ROOT);
        boolean placeholder = PLACEHOLDER_DOMAINS.stream().anyMatch(d -> domain.equals(d) || domain.endsWith("." + d))
                || PLACEHOLDER_SUFFIXES.stream().anyMatch(domain::endsWith)
                || !domain.contains(".");
        if (placeholder) {
            return Optional.of("mailpulse.sending.from-address '" + fromAddress + "' is a placeholder (domain " + domain
                    + "): SES refuses to send from it; set an address of an identity verified in SES");
        }
        return Optional.empty();
    }

    static Optional<String> configurationSet(boolean sendingEnabled, Optional<String> configurationSet) {
        if (sendingEnabled && configurationSet.filter(s -> !s.isBlank()).isEmpty()) {
            return Optional.of("mailpulse.sending.configuration-set is not set while sending is enabled: SES would publish no events for the mail "
                    + "sent (no delivery, bounce or complaint would come back); set it, or mailpulse.sending.enabled=false");
        }
        return Optional.empty();
    }

    static Optional<String> queueUrl(boolean ingestEnabled, Optional<String> queueUrl) {
        if (ingestEnabled && queueUrl.filter(s -> !s.isBlank()).isEmpty()) {
            return Optional.of("mailpulse.ingest.queue-url is not set while ingestion is enabled: no SES event would be consumed; set it, "
                    + "or mailpulse.ingest.enabled=false");
        }
        return Optional.empty();
    }
}
