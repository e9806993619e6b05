package org.mailpulse.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A certificate authority made for one test run, and a server certificate it issued for {@code localhost}
 * (DNS and 127.0.0.1 in the subject alternative names), as PEM files a TLS server reads. Made with the JDK's own
 * keytool, so nothing outside the JDK is needed.
 */
public final class TestCertificates {

    private static final String PASSWORD = "changeit";

    private final Path caStore;
    private final Path caCertificate;
    private final Path serverCertificate;
    private final Path serverKey;

    private TestCertificates(Path caStore, Path caCertificate, Path serverCertificate, Path serverKey) {
        this.caStore = caStore;
        this.caCertificate = caCertificate;
        this.serverCertificate = serverCertificate;
        this.serverKey = serverKey;
    }

    /** A new CA named {@code caName} in {@code directory}, and a server certificate and key it issued. */
    public static TestCertificates issue(Path directory, String caName) throws IOException {
        Files.createDirectories(directory);
        Path caStore = directory.resolve("ca.p12");
        Path serverStore = directory.resolve("server.p12");
        Path request = directory.resolve("server.csr");
        Path caPem = directory.resolve("ca.pem");
        Path serverPem = directory.resolve("server.crt");
        Path keyPem = directory.resolve("server.key");
        keytool("-genkeypair", "-alias", "ca", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=" + caName, "-ext", "bc:c", "-ext", "ku:c=keyCertSign,cRLSign", "-keystore", caStore.toString());
        keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", caStore.toString(), "-file", caPem.toString());
        keytool("-genkeypair", "-alias", "server", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=localhost", "-keystore", serverStore.toString());
        keytool("-certreq", "-alias", "server", "-keystore", serverStore.toString(), "-file", request.toString());
        keytool("-gencert", "-rfc", "-alias", "ca", "-keystore", caStore.toString(), "-infile", request.toString(), "-outfile", serverPem.toString(),
                "-validity", "2", "-ext", "san=dns:localhost,ip:127.0.0.1", "-ext", "ku:c=digitalSignature,keyEncipherment", "-ext", "eku=serverAuth");
        writePrivateKey(serverStore, keyPem);
        return new TestCertificates(caStore, caPem, serverPem, keyPem);
    }

    /** A certificate and its RSA key, in the PKCS#12 store {@code store} under {@code alias}; the certificate also as PEM. */
    public record Issued(Path store, String alias, Path certificate) {

        public PrivateKey privateKey() {
            try (InputStream in = Files.newInputStream(store)) {
                KeyStore keyStore = KeyStore.getInstance("PKCS12");
                keyStore.load(in, PASSWORD.toCharArray());
                return (PrivateKey) keyStore.getKey(alias, PASSWORD.toCharArray());
            } catch (IOException | GeneralSecurityException e) {
                throw new IllegalStateException("Could not read the key of " + alias, e);
            }
        }
    }

    /** This CA, to issue further certificates with {@link #issue(Issued, Path, String, String, String...)}. */
    public Issued ca() {
        return new Issued(caStore, "ca", caCertificate);
    }

    /** A certificate with a new key, self-signed (an authority nobody trusts), valid for two days. */
    public static Issued selfSigned(Path directory, String alias, String dname) throws IOException {
        Files.createDirectories(directory);
        Path store = directory.resolve(alias + ".p12");
        Path pem = directory.resolve(alias + ".crt");
        keytool("-genkeypair", "-alias", alias, "-keyalg", "RSA", "-keysize", "2048", "-validity", "2", "-dname", dname,
                "-ext", "bc:c", "-keystore", store.toString());
        keytool("-exportcert", "-rfc", "-alias", alias, "-keystore", store.toString(), "-file", pem.toString());
        return new Issued(store, alias, pem);
    }

    /**
     * A certificate with a new key, issued by {@code issuer} for {@code dname}, with keytool's -gencert options (for
     * example {@code -validity 2}, {@code -startdate -10d}, {@code -ext bc:c}).
     */
    public static Issued issue(Issued issuer, Path directory, String alias, String dname, String... gencertOptions) throws IOException {
        Files.createDirectories(directory);
        Path store = directory.resolve(alias + ".p12");
        Path request = directory.resolve(alias + ".csr");
        Path pem = directory.resolve(alias + ".crt");
        keytool("-genkeypair", "-alias", alias, "-keyalg", "RSA", "-keysize", "2048", "-validity", "2", "-dname", dname,
                "-keystore", store.toString());
        keytool("-certreq", "-alias", alias, "-keystore", store.toString(), "-file", request.toString());
        List<String> gencert = new ArrayList<>(List.of("-gencert", "-rfc", "-alias", issuer.alias(), "-keystore", issuer.store().toString(),
                "-infile", request.toString(), "-outfile", pem.toString()));
        gencert.addAll(List.of(gencertOptions));
        keytool(gencert.toArray(String[]::new));
        return new Issued(store, alias, pem);
    }

    public Path caCertificate() {
        return caCertificate;
    }

    public Path serverCertificate() {
        return serverCertificate;
    }

    /** The server's private key, PKCS#8 PEM, readable by its owner only (PostgreSQL insists). */
    public Path serverKey() {
        return serverKey;
    }

    private static void writePrivateKey(Path store, Path pem) throws IOException {
        try (InputStream in = Files.newInputStream(store)) {
            KeyStore keyStore = KeyStore.getInstance("PKCS12");
            keyStore.load(in, PASSWORD.toCharArray());
            Key key = keyStore.getKey("server", PASSWORD.toCharArray());
            String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded());
            Files.deleteIfExists(pem);
            Files.createFile(pem, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(pem, "-----BEGIN PRIVATE KEY-----\n" + body + "\n-----END PRIVATE KEY-----\n");
        } catch (GeneralSecurityException e) {
            throw new IOException("Could not read the server key", e);
        }
    }

    private static void keytool(String... arguments) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        command.addAll(List.of(arguments));
        command.addAll(List.of("-storetype", "PKCS12", "-storepass", PASSWORD));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (process.waitFor() != 0) {
                throw new IOException("keytool " + arguments[0] + " failed: " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }
}
