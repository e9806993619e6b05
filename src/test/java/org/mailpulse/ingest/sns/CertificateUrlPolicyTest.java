package org.mailpulse.ingest.sns;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The production host pattern: SNS hosts of every region and the China partition, nothing that only looks like one. */
class CertificateUrlPolicyTest {

    private final CertificateUrlPolicy policy = new CertificateUrlPolicy(SnsConfig.DEFAULT_CERTIFICATE_HOST_PATTERN);

    @Test
    void snsHostsOfEveryPartitionAreAccepted() {
        for (String url : List.of("https://sns.us-east-1.amazonaws.com/SimpleNotificationService-9c6465fa7f48f5cacd23014631ec1136.pem",
                "https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-01d088a6f77103d0fe307c0069e40ed6.pem",
                "https://sns.us-gov-west-1.amazonaws.com/SimpleNotificationService-1.pem",
                "https://sns.cn-north-1.amazonaws.com.cn/SimpleNotificationService-1.pem",
                "HTTPS://SNS.AP-SOUTHEAST-2.AMAZONAWS.COM/SimpleNotificationService-1.PEM")) {
            assertThat(policy.check(url).toString()).as(url).isEqualTo(url);
        }
    }

    @Test
    void lookAlikesAndOtherSchemesAreRefused() {
        for (String url : List.of("http://sns.us-east-1.amazonaws.com/SimpleNotificationService-1.pem",
                "https://sns.us-east-1.amazonaws.com.evil.com/SimpleNotificationService-1.pem",
                "https://sns.us-east-1.amazonaws.com.cn.evil.com/SimpleNotificationService-1.pem",
                "https://evil-sns.us-east-1.amazonaws.com/SimpleNotificationService-1.pem",
                "https://sns.us-east-1.evil.com/x.amazonaws.com/SimpleNotificationService-1.pem",
                "https://s3.us-east-1.amazonaws.com/SimpleNotificationService-1.pem",
                "https://sns.amazonaws.com/SimpleNotificationService-1.pem",
                "https://bucket.sns.us-east-1.amazonaws.com/SimpleNotificationService-1.pem",
                "https://sns.us-east-1.amazonaws.com@evil.com/SimpleNotificationService-1.pem",
                "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-1.crt",
                "https://sns.us-east-1.amazonaws.com/download?file=x.pem",
                "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-1.pem?x",
                "file:///etc/ssl/SimpleNotificationService-1.pem",
                "https://sns.us-east-1.amazonaws.com/Simple Notification.pem",
                "//sns.us-east-1.amazonaws.com/SimpleNotificationService-1.pem")) {
            assertThatThrownBy(() -> policy.check(url)).as(url).isInstanceOfSatisfying(SnsRefusedException.class,
                    e -> assertThat(e.refusal()).isEqualTo(SnsRefusal.CERTIFICATE_URL_REFUSED));
        }
    }
}
