package org.mailpulse.embedded;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Who signed a request, read from its SigV4 headers: the access key id, region and service of {@code Authorization:
 * AWS4-HMAC-SHA256 Credential=<key id>/<date>/<region>/<service>/aws4_request, ...} and whether an
 * {@code X-Amz-Security-Token} (temporary credentials) came with it. The signature itself is not checked.
 */
public record RequestSignature(String accessKeyId, String region, String service, boolean sessionToken) {

    private static final String CREDENTIAL = "Credential=";

    /** The signature of a request with these headers (any case), or null if it carries no SigV4 Authorization. */
    public static RequestSignature of(Map<String, List<String>> headers) {
        String authorization = first(headers, "authorization");
        if (authorization == null) {
            return null;
        }
        int start = authorization.indexOf(CREDENTIAL);
        if (start < 0) {
            return null;
        }
        start += CREDENTIAL.length();
        int end = authorization.indexOf(',', start);
        String[] scope = authorization.substring(start, end < 0 ? authorization.length() : end).trim().split("/");
        if (scope.length != 5 || scope[0].isEmpty()) {
            return null;
        }
        String token = first(headers, "x-amz-security-token");
        return new RequestSignature(scope[0], scope[2], scope[3], token != null && !token.isBlank());
    }

    private static String first(Map<String, List<String>> headers, String name) {
        for (Map.Entry<String, List<String>> header : headers.entrySet()) {
            if (header.getKey() != null && header.getKey().toLowerCase(Locale.ROOT).equals(name) && !header.getValue().isEmpty()) {
                return header.getValue().get(0);
            }
        }
        return null;
    }
}
