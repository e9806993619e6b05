package org.mailpulse.ingest.sns;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where a signing certificate may be fetched from: https only, a host matching the whole configured pattern
 * ({@code sns.<region>.amazonaws.com} or {@code .amazonaws.com.cn}), a path ending in {@code .pem}, no user
 * information. A look-alike such as {@code sns.us-east-1.amazonaws.com.evil.com} does not match the whole host.
 */
public final class CertificateUrlPolicy {

    private final Pattern hosts;

    public CertificateUrlPolicy(String hostPattern) {
        this.hosts = Pattern.compile(hostPattern, Pattern.CASE_INSENSITIVE);
    }

    /** The URL to fetch, or why it is refused. */
    public URI check(String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw refused(url, "is not a URL");
        }
        if (!"https".equalsIgnoreCase(uri.getScheme())) {
            throw refused(url, "is not https");
        }
        if (uri.getRawUserInfo() != null || uri.getHost() == null || !hosts.matcher(uri.getHost()).matches()) {
            throw refused(url, "is not on an SNS host");
        }
        String path = Optional.ofNullable(uri.getPath()).orElse("");
        if (!path.toLowerCase(Locale.ROOT).endsWith(".pem") || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw refused(url, "is not a .pem file");
        }
        return uri;
    }

    private static SnsRefusedException refused(String url, String why) {
        return new SnsRefusedException(SnsRefusal.CERTIFICATE_URL_REFUSED, "SigningCertURL " + abbreviate(url) + " " + why);
    }

    static String abbreviate(String text) {
        return text.length() <= 200 ? text : text.substring(0, 200) + "...";
    }
}
