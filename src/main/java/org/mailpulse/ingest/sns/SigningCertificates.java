package org.mailpulse.ingest.sns;

import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.ext.web.client.HttpResponse;
import io.vertx.mutiny.ext.web.client.WebClient;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertPathBuilder;
import java.security.cert.CertStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXBuilderParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CertSelector;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The SNS signing certificates, fetched over HTTPS with the Vert.x web client (non-blocking) and kept per URL for
 * the life of the process (SNS names a new file when it rotates its key). A certificate is used only while within
 * its validity dates and only if it chains to a trusted authority: the JDK's trust store, or in tests the PEM of
 * {@code mailpulse.ingest.sns.certificate-trust-pem}. SNS serves the leaf certificate alone, so an intermediate that
 * is neither in the file nor trusted is fetched once from the leaf's Authority Information Access address; what it
 * returns counts only if the chain then ends at a trusted root. Revocation is not checked.
 * <p>
 * When the SNS host cannot be reached, times out or answers 5xx or 429, the {@code Uni} fails with that error: an
 * outage, so the batch stays on the queue and is retried with back-off. Only an answer that is no usable certificate
 * is a refusal ({@link SnsRefusedException}).
 */
@ApplicationScoped
public class SigningCertificates {

    /** id-ad-caIssuers (1.3.6.1.5.5.7.48.2), DER-encoded with its tag and length, then the [6] URI tag. */
    private static final byte[] CA_ISSUERS = {0x06, 0x08, 0x2B, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x02, (byte) 0x86};
    private static final String AUTHORITY_INFO_ACCESS = "1.3.6.1.5.5.7.1.1";

    private final WebClient client;
    private final Set<TrustAnchor> anchors;
    private final long timeoutMillis;
    private final Map<String, Uni<X509Certificate>> byUrl = new ConcurrentHashMap<>();

    public SigningCertificates(Vertx vertx, SnsConfig config) {
        WebClientOptions options = new WebClientOptions().setSsl(true).setVerifyHost(true).setFollowRedirects(false)
                .setConnectTimeout((int) config.certificateFetchTimeout().toMillis()).setUserAgent("MailPulse");
        Optional<Path> trustPem = config.certificateTrustPem().filter(p -> !p.isBlank()).map(Path::of);
        trustPem.ifPresent(pem -> options.setTrustOptions(new PemTrustOptions().addCertPath(pem.toString())));
        this.client = WebClient.create(vertx, options);
        this.anchors = trustPem.map(SigningCertificates::anchorsFrom).orElseGet(SigningCertificates::jdkAnchors);
        this.timeoutMillis = config.certificateFetchTimeout().toMillis();
    }

    /** The trusted, currently valid certificate at {@code url} (already checked by {@link CertificateUrlPolicy}). */
    public Uni<X509Certificate> certificate(URI url) {
        String key = url.toString();
        return byUrl.computeIfAbsent(key, k -> fetch(url)
                        .onFailure().invoke(failure -> byUrl.remove(k))
                        .memoize().indefinitely())
                .map(SigningCertificates::current);
    }

    private Uni<X509Certificate> fetch(URI url) {
        return get(url).map(body -> parse(url, body)).chain(certificates -> {
            X509Certificate leaf = current(certificates.get(0));
            if (chainsToTrustedRoot(leaf, certificates)) {
                return Uni.createFrom().item(leaf);
            }
            Optional<URI> issuerUrl = caIssuers(leaf);
            if (issuerUrl.isEmpty()) {
                throw untrusted(leaf);
            }
            return get(issuerUrl.get()).map(body -> {
                List<X509Certificate> withIssuer = new ArrayList<>(certificates);
                withIssuer.addAll(parse(issuerUrl.get(), body));
                if (!chainsToTrustedRoot(leaf, withIssuer)) {
                    throw untrusted(leaf);
                }
                return leaf;
            });
        }).invoke(leaf -> Log.infof("SNS signing certificate %s (%s, until %s) trusted", url, leaf.getSubjectX500Principal().getName(),
                leaf.getNotAfter().toInstant()));
    }

    private Uni<Buffer> get(URI url) {
        return client.getAbs(url.toString()).timeout(timeoutMillis).send().map(response -> body(url, response));
    }

    private static Buffer body(URI url, HttpResponse<Buffer> response) {
        int status = response.statusCode();
        if (status >= 200 && status < 300 && response.body() != null) {
            return response.body();
        }
        if (status >= 500 || status == 429) {
            throw new IllegalStateException("SNS signing certificate " + url + " answered HTTP " + status);
        }
        throw new SnsRefusedException(SnsRefusal.CERTIFICATE_UNAVAILABLE, "SigningCertURL " + url + " answered HTTP " + status);
    }

    private static List<X509Certificate> parse(URI url, Buffer body) {
        try {
            Collection<? extends Certificate> parsed = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(body.getBytes()));
            List<X509Certificate> certificates = parsed.stream().map(X509Certificate.class::cast).toList();
            if (!certificates.isEmpty()) {
                return certificates;
            }
        } catch (CertificateException e) {
            // falls through to the refusal
        }
        throw new SnsRefusedException(SnsRefusal.CERTIFICATE_UNAVAILABLE, url + " is not an X.509 certificate");
    }

    private static X509Certificate current(X509Certificate certificate) {
        try {
            certificate.checkValidity();
            return certificate;
        } catch (CertificateExpiredException | CertificateNotYetValidException e) {
            throw new SnsRefusedException(SnsRefusal.CERTIFICATE_EXPIRED, "signing certificate " + certificate.getSubjectX500Principal().getName()
                    + " is valid from " + certificate.getNotBefore().toInstant() + " to " + certificate.getNotAfter().toInstant());
        }
    }

    private boolean chainsToTrustedRoot(X509Certificate leaf, List<X509Certificate> certificates) {
        try {
            X509CertSelector target = new X509CertSelector();
            target.setCertificate(leaf);
            PKIXBuilderParameters parameters = new PKIXBuilderParameters(anchors, target);
            parameters.setRevocationEnabled(false);
            parameters.addCertStore(CertStore.getInstance("Collection", new CollectionCertStoreParameters(certificates)));
            CertPathBuilder.getInstance("PKIX").build(parameters);
            return true;
        } catch (GeneralSecurityException e) {
            Log.debugf("No trusted chain for %s: %s", leaf.getSubjectX500Principal().getName(), e.getMessage());
            return false;
        }
    }

    private static SnsRefusedException untrusted(X509Certificate leaf) {
        return new SnsRefusedException(SnsRefusal.CERTIFICATE_UNTRUSTED, "signing certificate " + leaf.getSubjectX500Principal().getName()
                + " issued by " + leaf.getIssuerX500Principal().getName() + " does not chain to a trusted authority");
    }

    /** The first caIssuers URI of the certificate's Authority Information Access extension, if any. */
    static Optional<URI> caIssuers(X509Certificate certificate) {
        byte[] extension = certificate.getExtensionValue(AUTHORITY_INFO_ACCESS);
        if (extension == null) {
            return Optional.empty();
        }
        for (int i = 0; i + CA_ISSUERS.length < extension.length; i++) {
            if (Arrays.equals(extension, i, i + CA_ISSUERS.length, CA_ISSUERS, 0, CA_ISSUERS.length)) {
                int at = i + CA_ISSUERS.length;
                int length = extension[at] & 0xFF;
                at++;
                if (length == 0x81) {
                    length = extension[at] & 0xFF;
                    at++;
                } else if (length > 0x7F) {
                    return Optional.empty();
                }
                if (at + length > extension.length) {
                    return Optional.empty();
                }
                String uri = new String(extension, at, length, StandardCharsets.US_ASCII);
                return Optional.of(URI.create(uri)).filter(u -> "http".equals(u.getScheme()) || "https".equals(u.getScheme()));
            }
        }
        return Optional.empty();
    }

    private static Set<TrustAnchor> anchorsFrom(Path pem) {
        try (InputStream in = Files.newInputStream(pem)) {
            return CertificateFactory.getInstance("X.509").generateCertificates(in).stream()
                    .map(c -> new TrustAnchor((X509Certificate) c, null)).collect(Collectors.toUnmodifiableSet());
        } catch (IOException e) {
            throw new UncheckedIOException("mailpulse.ingest.sns.certificate-trust-pem " + pem + " cannot be read", e);
        } catch (CertificateException e) {
            throw new IllegalStateException("mailpulse.ingest.sns.certificate-trust-pem " + pem + " holds no certificate", e);
        }
    }

    private static Set<TrustAnchor> jdkAnchors() {
        try {
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init((KeyStore) null);
            return Arrays.stream(factory.getTrustManagers()).filter(X509TrustManager.class::isInstance)
                    .flatMap(m -> Arrays.stream(((X509TrustManager) m).getAcceptedIssuers()))
                    .map(c -> new TrustAnchor(c, null)).collect(Collectors.toUnmodifiableSet());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("The JDK trust store cannot be read", e);
        }
    }
}
