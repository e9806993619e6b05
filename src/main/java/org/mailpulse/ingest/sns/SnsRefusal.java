package org.mailpulse.ingest.sns;

import java.util.Locale;

/** Why an SNS envelope was not trusted; each is quarantined with its reason and counted under its own label. */
public enum SnsRefusal {
    /** No Signature, SignatureVersion or SigningCertURL, or a field the signed string needs is missing. */
    SIGNATURE_MISSING,
    /** A SignatureVersion other than 1 (SHA1withRSA) or 2 (SHA256withRSA). */
    UNSUPPORTED_VERSION,
    /** The TopicArn is not in mailpulse.ingest.sns.topic-arns. */
    UNKNOWN_TOPIC,
    /** The SigningCertURL is not https, not on an SNS host, or not a .pem file. */
    CERTIFICATE_URL_REFUSED,
    /** The SNS host answered, but not with a certificate (a 4xx status, or a body that is no certificate). */
    CERTIFICATE_UNAVAILABLE,
    /** The signing certificate is outside its validity dates. */
    CERTIFICATE_EXPIRED,
    /** The signing certificate does not chain to a trusted certificate authority. */
    CERTIFICATE_UNTRUSTED,
    /** The signature does not match the envelope's canonical string under the certificate's key. */
    BAD_SIGNATURE;

    /** The metric label and the quarantine reason's prefix. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
