package org.mailpulse.testsupport;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The stand-in for {@code sns.<region>.amazonaws.com} as far as signing certificates go: a real HTTPS server on
 * {@code localhost} (its TLS certificate issued by a CA made for the run) that serves PEM files by path and 404
 * for anything else, and counts the requests per path. Its CA also issues the signing certificates the tests sign
 * with ({@link #issueSigning}), so that one trust PEM ({@link #trustPem()}) covers the connection and the chain.
 */
public final class SnsCertificateServer implements AutoCloseable {

    private final Path directory;
    private final TestCertificates authority;
    private final SSLContext tls;
    private final Map<String, byte[]> files = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
    private volatile HttpsServer server;
    private volatile int port;

    private SnsCertificateServer(Path directory, TestCertificates authority, SSLContext tls) {
        this.directory = directory;
        this.authority = authority;
        this.tls = tls;
    }

    public static SnsCertificateServer start(Path directory) throws IOException {
        TestCertificates authority = TestCertificates.issue(directory, "MailPulse SNS test CA");
        SnsCertificateServer standIn = new SnsCertificateServer(directory, authority, tls(authority));
        standIn.listen(0);
        return standIn;
    }

    /** The host goes away: connections are refused until {@link #restart()}. */
    public synchronized void stop() {
        server.stop(0);
    }

    /** Listens again on the same port, serving the same files. */
    public synchronized void restart() {
        try {
            listen(port);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void listen(int onPort) throws IOException {
        HttpsServer https = HttpsServer.create(new InetSocketAddress("127.0.0.1", onPort), 0);
        https.setHttpsConfigurator(new HttpsConfigurator(tls));
        https.setExecutor(Executors.newFixedThreadPool(2, r -> {
            Thread thread = new Thread(r, "sns-certificate-server");
            thread.setDaemon(true);
            return thread;
        }));
        https.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            requests.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
            byte[] body = files.get(path);
            try (exchange) {
                if (body == null) {
                    exchange.sendResponseHeaders(404, -1);
                    return;
                }
                exchange.getResponseHeaders().set("Content-Type", "application/x-pem-file");
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        });
        https.start();
        server = https;
        port = https.getAddress().getPort();
    }

    /** The CA certificate that issued the server's TLS certificate and the signing certificates. */
    public Path trustPem() {
        return authority.caCertificate();
    }

    public TestCertificates authority() {
        return authority;
    }

    public Path directory() {
        return directory;
    }

    /** A signing certificate issued by the run's CA, as SNS's are (the options as for keytool -gencert). */
    public TestCertificates.Issued issueSigning(String alias, String... gencertOptions) throws IOException {
        return TestCertificates.issue(authority.ca(), directory, alias, "CN=sns.amazonaws.com", gencertOptions);
    }

    /** Serves the file's content at {@code path}; returns its https URL. */
    public String serve(String path, Path file) throws IOException {
        files.put(path, Files.readAllBytes(file));
        return url(path);
    }

    public String url(String path) {
        return "https://localhost:" + port() + path;
    }

    public int port() {
        return port;
    }

    public int requests(String path) {
        AtomicInteger count = requests.get(path);
        return count == null ? 0 : count.get();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private static SSLContext tls(TestCertificates authority) throws IOException {
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            Certificate serverCertificate;
            Certificate caCertificate;
            try (InputStream server = Files.newInputStream(authority.serverCertificate());
                 InputStream ca = Files.newInputStream(authority.caCertificate())) {
                serverCertificate = factory.generateCertificate(server);
                caCertificate = factory.generateCertificate(ca);
            }
            String pem = Files.readString(authority.serverKey(), StandardCharsets.US_ASCII)
                    .replace("-----BEGIN PRIVATE KEY-----", "").replace("-----END PRIVATE KEY-----", "").replaceAll("\\s", "");
            PrivateKey key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
            KeyStore keyStore = KeyStore.getInstance("PKCS12");
            keyStore.load(null, null);
            char[] password = "changeit".toCharArray();
            keyStore.setKeyEntry("server", key, password, new Certificate[]{serverCertificate, caCertificate});
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(keyStore, password);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IOException("Could not set up TLS for the SNS certificate server", e);
        }
    }
}
